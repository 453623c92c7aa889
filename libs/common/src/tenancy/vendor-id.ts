import { UUID_PATTERN } from '../validation/decorators.js';

declare const VENDOR_ID: unique symbol;

/**
 * A tenant id that came from a credential (or was checked): every vendor-scoped repository and
 * service takes one, so a query without the tenant does not compile, and a plain string from a
 * URL or body cannot be passed by accident.
 */
export type VendorId = string & { readonly [VENDOR_ID]: true };

/** For ids from trusted places only: credentials, job payloads, seed scripts. */
export function asVendorId(value: string): VendorId {
  if (!UUID_PATTERN.test(value)) throw new Error(`not a vendor id: ${value}`);
  return value as VendorId;
}
