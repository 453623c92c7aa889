import type { Product } from '#libs/db';
/** Per-serving nutrient fields, in the order they are shown and compared. */
export const NUTRIENTS = [
  'calories',
  'protein_g',
  'fat_g',
  'carbs_g',
  'sugar_g',
  'fiber_g',
  'sodium_mg',
  'potassium_mg',
  'saturated_fat_g',
] as const;
export type Nutrient = (typeof NUTRIENTS)[number];

/** Every writable product field except external_id (fixed: it determines the id). */
export const PRODUCT_FIELDS = [
  'name',
  'brand',
  'description',
  'category',
  'price_cents',
  'currency',
  ...NUTRIENTS,
  'serving_size_g',
  'dietary_tags',
  'allergens',
  'ingredients',
  'gtin',
  'in_stock',
] as const;
export type ProductField = (typeof PRODUCT_FIELDS)[number];

/** Every writable product field. */
export type ProductFields = Pick<Product, ProductField>;

export type ProductRow = Pick<Product, ProductField | 'id' | 'external_id' | 'created_at' | 'updated_at'>;
