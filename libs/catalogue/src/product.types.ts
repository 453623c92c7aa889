import type { FieldDef } from '#libs/common';
import { NUTRIENT_BASES, type Product } from './catalogue.entities.js';
import { canonicalList } from '#libs/food-vocabulary';
import { NUTRIENTS, NUTRIENT_FIELDS, type Nutrient } from './nutrients.js';

export { NUTRIENTS, type Nutrient, type Nutrients } from './nutrients.js';

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
  'nutrient_basis',
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

/** A product as lists show it (search hits, match candidates): identity, price, tags and nutrients. */
export type ProductListing = Pick<
  Product,
  | 'id'
  | 'external_id'
  | 'name'
  | 'brand'
  | 'category'
  | 'price_cents'
  | 'currency'
  | 'serving_size_g'
  | 'dietary_tags'
  | 'allergens'
  | Nutrient
>;

/** A dietary tag, allergen or category code. */
export const TAG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/**
 * The product entity's field catalogue: what the API accepts (ProductFieldsDto), what a CSV may
 * hold (ingestion's field specs) and how each is labelled. Keys are the entity's columns.
 */
export const PRODUCT_FIELD_CATALOGUE = {
  external_id: {
    kind: 'external_id',
    label: 'Your product id',
    description: "The vendor's own id; the product id is derived from it",
    example: 'SKU-00042',
    required: true,
    synonyms: ['sku', 'id', 'product_id', 'item_id', 'item_number', 'article_number', 'product_code', 'code'],
  },
  name: {
    kind: 'short_text',
    label: 'Name',
    example: 'Dark chocolate protein bar',
    required: true,
    maxLength: 300,
    synonyms: ['title', 'product_name', 'product_title', 'item_name'],
  },
  brand: {
    kind: 'short_text',
    label: 'Brand',
    example: 'Kalomi Foods',
    maxLength: 200,
    synonyms: ['manufacturer', 'brand_name', 'maker'],
  },
  description: {
    kind: 'long_text',
    label: 'Description',
    maxLength: 5000,
    synonyms: ['desc', 'product_description', 'long_description', 'details'],
  },
  category: {
    kind: 'code',
    label: 'Category',
    example: 'bars',
    pattern: TAG_PATTERN,
    synonyms: ['product_category', 'product_type', 'department'],
  },
  price_cents: {
    kind: 'int',
    label: 'Price (cents)',
    example: 299,
    min: 0,
    max: 100_000_000,
    synonyms: ['price_in_cents'],
  },
  currency: {
    kind: 'currency',
    label: 'Currency',
    example: 'USD',
    default: 'USD',
    synonyms: ['currency_code'],
  },
  ...NUTRIENT_FIELDS,
  serving_size_g: {
    kind: 'real',
    label: 'Serving size (g)',
    example: 50,
    min: 0.01,
    max: 100_000,
    synonyms: ['serving_size', 'serving_g', 'portion_g', 'portion_size', 'serving_size_grams'],
  },
  nutrient_basis: {
    kind: 'enum',
    label: 'Nutrients given per',
    description:
      'What the nutrient values sent are per: a serving (US labels) or 100 g (EU labels; converted to per serving with serving_size_g, taken as 100 g when absent). Stored per serving either way; this keeps what was given.',
    values: NUTRIENT_BASES,
    aliases: {
      serving: 'per_serving',
      'per serving': 'per_serving',
      portion: 'per_serving',
      'per portion': 'per_serving',
      '100g': 'per_100g',
      '100 g': 'per_100g',
      'per 100g': 'per_100g',
      'per 100 g': 'per_100g',
      per100g: 'per_100g',
      per_100_g: 'per_100g',
    },
    default: 'per_serving',
    synonyms: ['basis', 'nutrition_basis', 'values_per', 'per'],
  },
  dietary_tags: {
    kind: 'codes',
    label: 'Dietary tags',
    example: ['vegetarian', 'high_protein'],
    maxItems: 50,
    pattern: TAG_PATTERN,
    default: [],
    synonyms: ['tags', 'diet_tags', 'dietary', 'labels', 'diet', 'claims'],
    normalise: canonicalList('diet_tags'),
  },
  allergens: {
    kind: 'codes',
    label: 'Allergens',
    example: ['milk', 'soy'],
    maxItems: 30,
    pattern: TAG_PATTERN,
    default: [],
    synonyms: ['allergen', 'contains_allergens', 'contains', 'allergy_information', 'allergen_information'],
    normalise: canonicalList('allergens'),
  },
  ingredients: {
    kind: 'long_text',
    label: 'Ingredients',
    maxLength: 5000,
    synonyms: ['ingredient_list', 'ingredients_text'],
  },
  gtin: {
    kind: 'gtin',
    label: 'GTIN (barcode)',
    example: '4006381333931',
    synonyms: ['upc', 'ean', 'ean13', 'gtin13', 'barcode'],
  },
  in_stock: {
    kind: 'bool',
    label: 'In stock',
    default: true,
    synonyms: ['available', 'is_available', 'instock'],
  },
} satisfies Record<ProductField | 'external_id', Omit<FieldDef, 'column'>>;

/** One catalogue entry with its column (the key). */
export const productField = (name: ProductField | 'external_id'): FieldDef => ({
  column: name,
  ...PRODUCT_FIELD_CATALOGUE[name],
});
