import type { FieldDef } from '#libs/common';

/** A nutrient as products state it, per serving. */
interface NutrientDeclaration {
  /** Display name, without the unit. */
  name: string;
  /** The stored unit (the column's suffix says it too). */
  unit: 'kcal' | 'g' | 'mg';
  /** A typical per-serving value (the API's example). */
  example: number;
  /** The most a serving may state. */
  max: number;
  /** Other names a CSV header gives it (compared without case, spaces, underscores, …). */
  synonyms: string[];
}

/**
 * The nutrients a product states, per serving — declared here once. Everything else derives
 * from this: the `products` columns (the entity), the API's fields and views, the CSV fields and
 * their header synonyms, the search and matches column lists, compare, the data-quality figures
 * and the seed. Adding one is this entry plus a migration adding the column (and re-creating the
 * `catalogue_products` view). Order is the order shown and compared.
 */
export const NUTRIENT_DECLARATIONS = {
  calories: {
    name: 'Calories',
    unit: 'kcal',
    example: 210,
    max: 10_000,
    synonyms: ['kcal', 'energy_kcal', 'calories_kcal', 'kilocalories'],
  },
  protein_g: { name: 'Protein', unit: 'g', example: 20, max: 1000, synonyms: ['protein', 'proteins'] },
  fat_g: {
    name: 'Fat',
    unit: 'g',
    example: 8,
    max: 1000,
    synonyms: ['fat', 'total_fat', 'total_fat_g', 'fats'],
  },
  carbs_g: {
    name: 'Carbohydrates',
    unit: 'g',
    example: 18,
    max: 1000,
    synonyms: [
      'carbs',
      'carbohydrates',
      'carbohydrate',
      'carbohydrates_g',
      'carbohydrate_g',
      'total_carbohydrate',
      'total_carbohydrate_g',
    ],
  },
  sugar_g: {
    name: 'Sugar',
    unit: 'g',
    example: 4,
    max: 1000,
    synonyms: ['sugar', 'sugars', 'sugars_g', 'total_sugars', 'total_sugars_g', 'of_which_sugars'],
  },
  fiber_g: {
    name: 'Fibre',
    unit: 'g',
    example: 5,
    max: 1000,
    synonyms: ['fiber', 'fibre', 'fibre_g', 'dietary_fiber', 'dietary_fiber_g', 'dietary_fibre'],
  },
  sodium_mg: { name: 'Sodium', unit: 'mg', example: 150, max: 100_000, synonyms: ['sodium'] },
  potassium_mg: { name: 'Potassium', unit: 'mg', example: 200, max: 100_000, synonyms: ['potassium'] },
  saturated_fat_g: {
    name: 'Saturated fat',
    unit: 'g',
    example: 3,
    max: 1000,
    synonyms: ['saturated_fat', 'sat_fat', 'saturates', 'saturates_g', 'of_which_saturates'],
  },
} satisfies Record<string, NutrientDeclaration>;

export type Nutrient = keyof typeof NUTRIENT_DECLARATIONS;

/** Per-serving nutrient fields, in the order they are shown and compared. */
export const NUTRIENTS = Object.keys(NUTRIENT_DECLARATIONS) as Nutrient[];

/** A value per nutrient, null where the product does not state it. */
export type Nutrients = Record<Nutrient, number | null>;

/** A nutrient's stored unit. */
export const nutrientUnit = (n: Nutrient): NutrientDeclaration['unit'] => NUTRIENT_DECLARATIONS[n].unit;

/** A nutrient's field-catalogue entry (what the API and a CSV accept). */
export function nutrientField(n: Nutrient): Omit<FieldDef, 'column'> {
  const d: NutrientDeclaration = NUTRIENT_DECLARATIONS[n];
  return {
    kind: 'real',
    label: `${d.name} (${d.unit})`,
    description: 'per serving',
    example: d.example,
    min: 0,
    max: d.max,
    decimals: 3,
    synonyms: d.synonyms,
  };
}

/** Every nutrient's field-catalogue entry. */
export const NUTRIENT_FIELDS = Object.fromEntries(NUTRIENTS.map((n) => [n, nutrientField(n)])) as Record<
  Nutrient,
  Omit<FieldDef, 'column'>
>;

/** A value per nutrient from `f`. */
export const perNutrient = <T>(f: (n: Nutrient) => T): Record<Nutrient, T> =>
  Object.fromEntries(NUTRIENTS.map((n) => [n, f(n)])) as Record<Nutrient, T>;

/**
 * A class with one property per nutrient, each decorated by `decorate` (Swagger, validation), for
 * the DTOs and views to extend: the properties come from the declarations, not from a list typed
 * out again. `name` is the class's name (the schema's, where Swagger shows one).
 */
export function nutrientProperties<T>(
  name: string,
  decorate: (n: Nutrient) => PropertyDecorator,
): new () => T {
  const cls = { [name]: class {} }[name]!;
  for (const n of NUTRIENTS) decorate(n)(cls.prototype, n);
  return cls as new () => T;
}
