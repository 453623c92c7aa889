declare const VENDOR_ID: unique symbol;

/**
 * A tenant id that came from a credential (or was checked): every vendor-scoped repository and
 * service takes one, so a query without the tenant does not compile, and a plain string from a
 * URL or body cannot be passed by accident. Entities type their `vendor_id` columns with it.
 */
export type VendorId = string & { readonly [VENDOR_ID]: true };
