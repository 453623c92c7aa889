import { NUTRIENTS, type Nutrient } from './product.types.js';

/**
 * Other units a vendor's data gives a stored nutrient in, and the factor that converts them: energy
 * in kJ (EU labels give kJ and kcal; 1 kcal = 4.184 kJ), salt in g (EU labels give salt, not
 * sodium: sodium = salt ÷ 2.5, so 1 g of salt is 400 mg of sodium), sodium and potassium in g (food
 * composition tables). A file or body giving both a stored unit and its alternative uses the stored
 * unit (EU labels give kJ and kcal side by side). The names are also what a CSV header maps to.
 */
export const UNIT_ALTERNATIVES = {
  energy_kj: {
    column: 'calories',
    scale: 1 / 4.184,
    label: 'Energy (kJ)',
    max: 41_840,
    synonyms: ['kj', 'kilojoules', 'energy_kilojoules', 'energie_kj', 'kj_energy'],
  },
  salt_g: {
    column: 'sodium_mg',
    scale: 400,
    label: 'Salt (g)',
    max: 250,
    synonyms: ['salt', 'salt_equivalent'],
  },
  sodium_g: { column: 'sodium_mg', scale: 1000, label: 'Sodium (g)', max: 100, synonyms: ['sodium_grams'] },
  potassium_g: {
    column: 'potassium_mg',
    scale: 1000,
    label: 'Potassium (g)',
    max: 100,
    synonyms: ['potassium_grams'],
  },
} as const satisfies Record<
  string,
  { column: Nutrient; scale: number; label: string; max: number; synonyms: string[] }
>;

export type UnitAlternative = keyof typeof UNIT_ALTERNATIVES;

/**
 * Headers that name a quantity without its unit. "Energy" is kJ on an EU label and kcal on a US
 * one: it is never guessed — the mapping must say which.
 */
export const AMBIGUOUS_HEADERS: Record<string, { fields: string[] }> = {
  energy: { fields: ['energy_kj', 'calories'] },
  energy_value: { fields: ['energy_kj', 'calories'] },
};

/** Stored nutrient precision: three decimals, after any conversion (JSON and CSV alike). */
export const round3 = (x: number) => Math.round(x * 1000) / 1000;

export type NutrientInput = Partial<Record<Nutrient, number | null>> &
  Partial<Record<UnitAlternative, number | null>> & {
    nutrient_basis?: 'per_serving' | 'per_100g';
    serving_size_g?: number | null;
  };

/**
 * A body's nutrients as stored: alternatives converted (used only where the stored unit is not
 * given), per-100 g values scaled to the serving (a per-100 g body without a serving size gets a 100 g
 * serving). `currentServing` is the product's serving size when the body does not give one (PATCH).
 */
export function perServing(
  input: NutrientInput,
  currentServing: number | null = null,
): { nutrients: Partial<Record<Nutrient, number | null>>; serving_size_g?: number | null } {
  const nutrients: Partial<Record<Nutrient, number | null>> = {};
  for (const n of NUTRIENTS) if (input[n] !== undefined) nutrients[n] = input[n];
  for (const [name, alt] of Object.entries(UNIT_ALTERNATIVES) as [
    UnitAlternative,
    (typeof UNIT_ALTERNATIVES)[UnitAlternative],
  ][]) {
    const value = input[name];
    if (value === undefined || value === null) continue;
    if (input[alt.column] !== undefined && input[alt.column] !== null) continue;
    nutrients[alt.column] = value * alt.scale;
  }
  const out: ReturnType<typeof perServing> = { nutrients };
  if (input.nutrient_basis === 'per_100g') {
    const serving = input.serving_size_g ?? currentServing ?? 100;
    if (input.serving_size_g === undefined || input.serving_size_g === null) out.serving_size_g = serving;
    for (const n of NUTRIENTS) {
      const v = nutrients[n];
      if (v !== undefined && v !== null) nutrients[n] = (v * serving) / 100;
    }
  }
  for (const n of NUTRIENTS) {
    const v = nutrients[n];
    if (v !== undefined && v !== null) nutrients[n] = round3(v);
  }
  return out;
}
