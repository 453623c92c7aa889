/**
 * Energy expenditure, defined once for both sides of the product: the consumer calculator
 * (TypeScript, libs/calculator) and vendors' customers (SQL functions `mifflin_st_jeor` and
 * `activity_factor`, generated from this file: customers.functions.ts).
 *
 *   BMR   Mifflin-St Jeor: 10·kg + 6.25·cm − 5·age + 5 (male) / − 161 (female) / − 78 (other: the
 *         midpoint, for a vendor's customer recorded as neither);
 *         Katch-McArdle when lean mass is known: 370 + 21.6 · lean kg.
 *   TDEE  BMR × the activity level's factor.
 */

/**
 * One activity scale with two spellings. They differ because both are published contracts: the
 * calculator's answers (`very`, `extra`, the wording of its step 2) and the vendor API's customer
 * field, which takes the codes fitness and clinic exports use (`active`, `very_active`). Each level
 * has one factor; a test holds the two spellings to the same levels.
 */
export const ACTIVITY_SCALE = [
  { calculator: 'sedentary', customers: 'sedentary', factor: 1.2 },
  { calculator: 'light', customers: 'light', factor: 1.375 },
  { calculator: 'moderate', customers: 'moderate', factor: 1.55 },
  { calculator: 'very', customers: 'active', factor: 1.725 },
  { calculator: 'extra', customers: 'very_active', factor: 1.9 },
] as const;

export type CalculatorActivity = (typeof ACTIVITY_SCALE)[number]['calculator'];
export type CustomerActivity = (typeof ACTIVITY_SCALE)[number]['customers'];

/** The factor of the lowest level: what an unknown or absent level counts as. */
export const DEFAULT_ACTIVITY_FACTOR = ACTIVITY_SCALE[0].factor;

/** A level's factor, by either spelling. */
export function activityFactor(level: CalculatorActivity | CustomerActivity): number {
  return (
    ACTIVITY_SCALE.find((l) => l.calculator === level || l.customers === level)?.factor ??
    DEFAULT_ACTIVITY_FACTOR
  );
}

/** Mifflin-St Jeor's constant by sex. */
export const SEX_CONSTANTS = { male: 5, female: -161, other: -78 } as const;
export type Sex = keyof typeof SEX_CONSTANTS;

export function mifflinStJeor(sex: Sex, weightKg: number, heightCm: number, age: number): number {
  return 10 * weightKg + 6.25 * heightCm - 5 * age + SEX_CONSTANTS[sex];
}

export function katchMcArdle(leanMassKg: number): number {
  return 370 + 21.6 * leanMassKg;
}

/**
 * The SQL functions of this file, as PostgreSQL gives them back (`pg_get_functiondef`): customers'
 * BMR and TDEE in set-based imports and single writes alike.
 */
export const ENERGY_FUNCTIONS = {
  activity_factor: `CREATE OR REPLACE FUNCTION public.activity_factor(level text)
 RETURNS real
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT CASE level${ACTIVITY_SCALE.map((l) => ` WHEN '${l.customers}' THEN ${l.factor}`).join('')} ELSE ${DEFAULT_ACTIVITY_FACTOR} END::real
$function$`,
  mifflin_st_jeor: `CREATE OR REPLACE FUNCTION public.mifflin_st_jeor(sex text, weight_kg real, height_cm real, age integer)
 RETURNS real
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  SELECT (10 * weight_kg + 6.25 * height_cm - 5 * age
          + CASE WHEN sex IS NULL THEN NULL WHEN sex = 'male' THEN ${SEX_CONSTANTS.male} WHEN sex = 'female' THEN ${SEX_CONSTANTS.female} ELSE ${SEX_CONSTANTS.other} END)::real
$function$`,
};
