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

export interface ProductFields {
  name: string;
  brand: string | null;
  description: string | null;
  category: string | null;
  price_cents: number | null;
  currency: string;
  calories: number | null;
  protein_g: number | null;
  fat_g: number | null;
  carbs_g: number | null;
  sugar_g: number | null;
  fiber_g: number | null;
  sodium_mg: number | null;
  potassium_mg: number | null;
  saturated_fat_g: number | null;
  serving_size_g: number | null;
  dietary_tags: string[];
  allergens: string[];
  ingredients: string | null;
  gtin: string | null;
  in_stock: boolean;
}

export interface ProductRow extends ProductFields {
  id: string;
  external_id: string;
  created_at: Date;
  updated_at: Date;
}
