import { NUTRIENTS } from './nutrients.js';

/**
 * Views the catalogue publishes for other libs to read its products through (libs/db
 * schema-source.ts creates them, `security_invoker`: the reader's row-level security applies).
 * The selects are simple, so PostgreSQL folds them into the query: the products indexes serve a
 * query on the view as they serve one on the table.
 */
export const VIEWS: Record<string, string> = {
  /** A product's identity, price, codes and per-serving nutrients (matches, insights). */
  catalogue_products: `SELECT vendor_id, id, external_id, name, brand, category, price_cents, currency,
    ${NUTRIENTS.join(', ')}, serving_size_g, nutrient_basis, dietary_tags, allergens, in_stock, created_at, updated_at
    FROM products`,
};
