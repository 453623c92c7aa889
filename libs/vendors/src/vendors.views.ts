/**
 * Views the vendors lib publishes for other libs (libs/db schema-source.ts creates them,
 * `security_invoker`). No key, secret or member data: a vendor's public profile, status and the
 * address the platform writes to.
 */
export const VIEWS: Record<string, string> = {
  /** Vendors as the directory, benchmarks and webhook notices read them. */
  vendor_directory: `SELECT id, slug, name, category, subcategory, description, website, logo_url, delivery_regions,
    best_for, price_level, status, contact_email, created_at FROM vendors`,
};
