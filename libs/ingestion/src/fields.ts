/**
 * What a CSV may hold, per ingest mode: each field's target column, how it is validated and cast
 * in SQL (the staging table holds text), and the header names it is recognised by.
 */
import { INGEST_MODES } from '#libs/db';

export { INGEST_MODES };
export type IngestMode = (typeof INGEST_MODES)[number];

type Kind =
  | 'external_id'
  | 'short_text'
  | 'long_text'
  | 'code'
  | 'codes'
  | 'int'
  | 'money'
  | 'real'
  | 'bool'
  | 'currency'
  | 'gtin'
  | 'email'
  | 'date'
  | 'enum';

export interface FieldSpec {
  /** The name a header maps to (the staging column). */
  field: string;
  /** The live column it fills (price → price_cents). */
  column: string;
  kind: Kind;
  required?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  maxItems?: number;
  /** enum: accepted value (lower-case) → stored value. */
  values?: Record<string, string>;
  synonyms?: string[];
}

const nutrient = (field: string, max: number, synonyms: string[]): FieldSpec => ({
  field,
  column: field,
  kind: 'real',
  min: 0,
  max,
  synonyms,
});

export const PRODUCT_FIELDS: FieldSpec[] = [
  {
    field: 'external_id',
    column: 'external_id',
    kind: 'external_id',
    required: true,
    synonyms: ['sku', 'id', 'product_id', 'item_id', 'item_number', 'article_number', 'product_code', 'code'],
  },
  {
    field: 'name',
    column: 'name',
    kind: 'short_text',
    required: true,
    maxLength: 300,
    synonyms: ['title', 'product_name', 'product_title', 'item_name'],
  },
  {
    field: 'brand',
    column: 'brand',
    kind: 'short_text',
    maxLength: 200,
    synonyms: ['manufacturer', 'brand_name', 'maker'],
  },
  {
    field: 'description',
    column: 'description',
    kind: 'long_text',
    maxLength: 5000,
    synonyms: ['desc', 'product_description', 'long_description', 'details'],
  },
  {
    field: 'category',
    column: 'category',
    kind: 'code',
    synonyms: ['product_category', 'product_type', 'department'],
  },
  {
    field: 'price_cents',
    column: 'price_cents',
    kind: 'int',
    min: 0,
    max: 100_000_000,
    synonyms: ['price_in_cents'],
  },
  {
    field: 'price',
    column: 'price_cents',
    kind: 'money',
    min: 0,
    max: 1_000_000,
    synonyms: ['unit_price', 'retail_price', 'msrp'],
  },
  { field: 'currency', column: 'currency', kind: 'currency', synonyms: ['currency_code'] },
  nutrient('calories', 10_000, ['kcal', 'energy_kcal', 'energy', 'calories_kcal']),
  nutrient('protein_g', 1000, ['protein', 'proteins']),
  nutrient('fat_g', 1000, ['fat', 'total_fat', 'total_fat_g']),
  nutrient('carbs_g', 1000, [
    'carbs',
    'carbohydrates',
    'carbohydrate',
    'carbohydrates_g',
    'total_carbohydrate',
  ]),
  nutrient('sugar_g', 1000, ['sugar', 'sugars', 'sugars_g', 'total_sugars']),
  nutrient('fiber_g', 1000, ['fiber', 'fibre', 'fibre_g', 'dietary_fiber']),
  nutrient('sodium_mg', 100_000, ['sodium']),
  nutrient('potassium_mg', 100_000, ['potassium']),
  nutrient('saturated_fat_g', 1000, ['saturated_fat', 'sat_fat', 'saturates']),
  {
    field: 'serving_size_g',
    column: 'serving_size_g',
    kind: 'real',
    min: 0.01,
    max: 100_000,
    synonyms: ['serving_size', 'serving_g', 'portion_g'],
  },
  {
    field: 'dietary_tags',
    column: 'dietary_tags',
    kind: 'codes',
    maxItems: 50,
    synonyms: ['tags', 'diet_tags', 'dietary', 'labels'],
  },
  {
    field: 'allergens',
    column: 'allergens',
    kind: 'codes',
    maxItems: 30,
    synonyms: ['allergen', 'contains_allergens'],
  },
  {
    field: 'ingredients',
    column: 'ingredients',
    kind: 'long_text',
    maxLength: 5000,
    synonyms: ['ingredient_list', 'ingredients_text'],
  },
  { field: 'gtin', column: 'gtin', kind: 'gtin', synonyms: ['upc', 'ean', 'ean13', 'gtin13', 'barcode'] },
  { field: 'in_stock', column: 'in_stock', kind: 'bool', synonyms: ['available', 'is_available', 'instock'] },
];

export const CUSTOMER_FIELDS: FieldSpec[] = [
  {
    field: 'external_id',
    column: 'external_id',
    kind: 'external_id',
    required: true,
    synonyms: ['customer_id', 'id', 'customer_number', 'member_id', 'client_id'],
  },
  { field: 'email', column: 'email', kind: 'email', synonyms: ['email_address', 'e_mail', 'mail'] },
  {
    field: 'first_name',
    column: 'first_name',
    kind: 'short_text',
    maxLength: 200,
    synonyms: ['firstname', 'given_name', 'forename'],
  },
  {
    field: 'last_name',
    column: 'last_name',
    kind: 'short_text',
    maxLength: 200,
    synonyms: ['lastname', 'surname', 'family_name'],
  },
  {
    field: 'sex',
    column: 'sex',
    kind: 'enum',
    values: { male: 'male', m: 'male', female: 'female', f: 'female', other: 'other' },
    synonyms: ['gender'],
  },
  {
    field: 'birth_date',
    column: 'birth_date',
    kind: 'date',
    synonyms: ['dob', 'date_of_birth', 'birthdate', 'birthday'],
  },
  { field: 'age', column: 'age', kind: 'int', min: 0, max: 130, synonyms: ['age_years'] },
  { field: 'height_cm', column: 'height_cm', kind: 'real', min: 40, max: 260, synonyms: ['height'] },
  {
    field: 'weight_kg',
    column: 'weight_kg',
    kind: 'real',
    min: 2,
    max: 400,
    synonyms: ['weight', 'body_weight'],
  },
  {
    field: 'activity_level',
    column: 'activity_level',
    kind: 'enum',
    values: {
      sedentary: 'sedentary',
      light: 'light',
      moderate: 'moderate',
      active: 'active',
      very_active: 'very_active',
    },
    synonyms: ['activity'],
  },
  {
    field: 'conditions',
    column: 'conditions',
    kind: 'codes',
    maxItems: 30,
    synonyms: ['health_conditions', 'medical_conditions'],
  },
  {
    field: 'allergies',
    column: 'allergies',
    kind: 'codes',
    maxItems: 30,
    synonyms: ['food_allergies', 'allergens'],
  },
  {
    field: 'dietary_preferences',
    column: 'dietary_preferences',
    kind: 'codes',
    maxItems: 20,
    synonyms: ['preferences', 'diet', 'diets'],
  },
  { field: 'goals', column: 'goals', kind: 'codes', maxItems: 20, synonyms: ['goal', 'health_goals'] },
  { field: 'notes', column: 'notes', kind: 'long_text', maxLength: 4000, synonyms: ['note', 'comments'] },
];

export const FIELDS: Record<IngestMode, FieldSpec[]> = {
  products: PRODUCT_FIELDS,
  customers: CUSTOMER_FIELDS,
};

/** Case, spaces, underscores, hyphens and dots do not matter in a header. */
export const normaliseHeader = (h: string): string => h.toLowerCase().replace(/[\s_\-.()]+/g, '');

export interface ColumnMapping {
  /** Header index → field, for the columns used, in header order. */
  used: { index: number; header: string; field: FieldSpec }[];
  /** Headers that map to nothing (ignored). */
  ignored: string[];
}

export class MappingError extends Error {}

/**
 * Maps headers to fields: the job's explicit mapping first (header → field, case-insensitive),
 * then the exact field name, then a synonym. Fails when a required field has no column, a field
 * has two, or the explicit mapping names a header the file does not have.
 */
export function mapHeaders(
  mode: IngestMode,
  headers: string[],
  explicit: Record<string, string> = {},
): ColumnMapping {
  const specs = FIELDS[mode];
  const byName = new Map<string, FieldSpec>();
  for (const s of specs) byName.set(normaliseHeader(s.field), s);
  const bySynonym = new Map<string, FieldSpec>();
  for (const s of specs) for (const syn of s.synonyms ?? []) bySynonym.set(normaliseHeader(syn), s);
  const explicitBy = new Map(Object.entries(explicit).map(([h, f]) => [normaliseHeader(h), f]));
  const normalised = headers.map(normaliseHeader);
  for (const [h] of explicitBy) {
    if (!normalised.includes(h)) {
      const original = Object.keys(explicit).find((k) => normaliseHeader(k) === h);
      throw new MappingError(`the mapping names a column "${original}" that the file does not have`);
    }
  }
  const used: ColumnMapping['used'] = [];
  const ignored: string[] = [];
  const taken = new Map<string, string>();
  headers.forEach((header, index) => {
    const key = normalised[index]!;
    const target = explicitBy.get(key);
    const spec =
      target !== undefined ? specs.find((s) => s.field === target) : (byName.get(key) ?? bySynonym.get(key));
    if (!spec) {
      ignored.push(header);
      return;
    }
    const other = taken.get(spec.column);
    if (other !== undefined) {
      throw new MappingError(`columns "${other}" and "${header}" both map to ${spec.column}`);
    }
    taken.set(spec.column, header);
    used.push({ index, header, field: spec });
  });
  const missing = specs.filter((s) => s.required && !taken.has(s.column)).map((s) => s.field);
  if (missing.length > 0) {
    throw new MappingError(
      `missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (found: ${headers.join(', ') || 'nothing'})`,
    );
  }
  return { used, ignored };
}
