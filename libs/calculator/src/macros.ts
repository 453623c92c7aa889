import { ACTIVITY_SCALE, katchMcArdle, mifflinStJeor } from '#libs/energy';
import type { Activity, DietType, Goal, Sex } from './fields.js';

/**
 * Daily targets (the calculator's step 3) — pure functions, no I/O.
 *   BMR   Mifflin-St Jeor, or Katch-McArdle when body fat is known (libs/energy: the one
 *         definition, shared with vendors' customers);
 *   TDEE  BMR × the activity level's factor (libs/energy's scale, in the calculator's spelling).
 *   kcal  TDEE × (1 − deficit) to lose, × (1 + surplus) to gain, TDEE to maintain.
 *   P     0.7 g per lb of body weight (at least 1.6 g per kg of lean mass when known).
 *   C     carnivore 20 g, keto 30 g; paleo 20 % and custom 35 % of calories (documented split).
 *   F     the remaining calories / 9, so that |kcal − (4P + 4C + 9F)| ≤ 10 always.
 */
export const ACTIVITY_FACTORS = Object.fromEntries(
  ACTIVITY_SCALE.map((l) => [l.calculator, l.factor]),
) as Record<Activity, number>;

export const KG_PER_LB = 0.45359237;
export const CM_PER_INCH = 2.54;

/** Carbohydrate rule per diet: a fixed ceiling in grams or a share of calories. */
export const CARB_RULES: Record<DietType, { grams: number } | { share: number }> = {
  carnivore: { grams: 20 },
  keto: { grams: 30 },
  paleo: { share: 0.2 },
  custom: { share: 0.35 },
};

/** Fat never drops below this share of calories: when protein and carbs leave less, carbs give way. */
const MIN_FAT_SHARE = 0.15;

export interface MacroInput {
  sex: Sex;
  age: number;
  heightCm: number;
  weightKg: number;
  activity: Activity;
  goal: Goal;
  /** Percent (5–35) below maintenance to lose, or above it to gain; ignored to maintain. */
  adjustmentPercent?: number;
  diet: DietType;
  bodyFatPercent?: number;
}

export interface Macros {
  bmr: number;
  tdee: number;
  calories: number;
  protein_grams: number;
  fat_grams: number;
  carbs_grams: number;
  calculation_method: 'mifflin_st_jeor' | 'katch_mcardle';
}

export function feetInchesToCm(feet: number, inches: number): number {
  return (feet * 12 + inches) * CM_PER_INCH;
}

export function poundsToKg(lbs: number): number {
  return lbs * KG_PER_LB;
}

export function computeMacros(input: MacroInput): Macros {
  const leanKg =
    input.bodyFatPercent !== undefined ? input.weightKg * (1 - input.bodyFatPercent / 100) : undefined;
  const bmr =
    leanKg !== undefined
      ? katchMcArdle(leanKg)
      : mifflinStJeor(input.sex, input.weightKg, input.heightCm, input.age);
  const tdee = bmr * ACTIVITY_FACTORS[input.activity];
  const adjustment = (input.adjustmentPercent ?? 0) / 100;
  const calories = Math.round(
    input.goal === 'lose' ? tdee * (1 - adjustment) : input.goal === 'gain' ? tdee * (1 + adjustment) : tdee,
  );

  const weightLbs = input.weightKg / KG_PER_LB;
  let protein = Math.round(0.7 * weightLbs);
  if (leanKg !== undefined) protein = Math.max(protein, Math.round(1.6 * leanKg));
  // Never more protein than the calories can carry next to the minimum fat.
  protein = Math.min(protein, Math.floor((calories * (1 - MIN_FAT_SHARE)) / 4));

  const rule = CARB_RULES[input.diet];
  let carbs = 'grams' in rule ? rule.grams : Math.round((calories * rule.share) / 4);
  const maxCarbs = Math.floor((calories * (1 - MIN_FAT_SHARE) - 4 * protein) / 4);
  carbs = Math.max(0, Math.min(carbs, maxCarbs));
  const fat = Math.max(0, Math.round((calories - 4 * protein - 4 * carbs) / 9));

  return {
    bmr: Math.round(bmr),
    tdee: Math.round(tdee),
    calories,
    protein_grams: protein,
    fat_grams: fat,
    carbs_grams: carbs,
    calculation_method: leanKg !== undefined ? 'katch_mcardle' : 'mifflin_st_jeor',
  };
}
