/**
 * The calculator's answer vocabulary: every enum (with labels) and every bound. The DTO validators
 * and the public questions schema are both built from these constants, so they cannot disagree.
 */
export interface Choice<V extends string = string> {
  value: V;
  label: string;
}

function choices<V extends string>(
  entries: readonly (readonly [V, string])[],
): { values: V[]; choices: Choice<V>[] } {
  return { values: entries.map(([v]) => v), choices: entries.map(([value, label]) => ({ value, label })) };
}

export const SEX = choices([
  ['male', 'Male'],
  ['female', 'Female'],
] as const);

export const ACTIVITY = choices([
  ['sedentary', 'Sedentary (desk job, little exercise)'],
  ['light', 'Lightly active (light exercise 1–3 days/week)'],
  ['moderate', 'Moderately active (moderate exercise 3–5 days/week)'],
  ['very', 'Very active (hard exercise 6–7 days/week)'],
  ['extra', 'Extra active (physical job or twice-daily training)'],
] as const);

export const EXERCISE_FREQUENCY = choices([
  ['none', 'None'],
  ['1_2_per_week', '1–2 times per week'],
  ['3_4_per_week', '3–4 times per week'],
  ['5_plus_per_week', '5 or more times per week'],
] as const);

export const GOAL = choices([
  ['lose', 'Lose fat'],
  ['maintain', 'Maintain'],
  ['gain', 'Gain muscle'],
] as const);

export const DIET_TYPE = choices([
  ['carnivore', 'Carnivore'],
  ['keto', 'Keto'],
  ['paleo', 'Paleo'],
  ['custom', 'Custom'],
] as const);

export const CONDITIONS = choices([
  ['diabetes', 'Type 2 diabetes'],
  ['prediabetes', 'Prediabetes / insulin resistance'],
  ['hypertension', 'High blood pressure'],
  ['high_cholesterol', 'High cholesterol'],
  ['heart_disease', 'Heart disease'],
  ['ckd', 'Chronic kidney disease'],
  ['celiac', 'Celiac disease'],
  ['autoimmune', 'Autoimmune condition'],
  ['ibs', 'IBS / digestive issues'],
  ['thyroid', 'Thyroid condition'],
  ['pcos', 'PCOS'],
  ['gout', 'Gout'],
  ['fatty_liver', 'Fatty liver'],
] as const);

export const SYMPTOMS = choices([
  ['brain_fog', 'Brain fog'],
  ['joint_pain', 'Joint pain'],
  ['fatigue', 'Fatigue'],
  ['bloating', 'Bloating'],
  ['headaches', 'Headaches'],
  ['skin_issues', 'Skin issues'],
  ['poor_sleep', 'Poor sleep'],
  ['cravings', 'Cravings'],
  ['mood_swings', 'Mood swings'],
] as const);

/**
 * Allergies a shopper can tick: canonical codes of the allergen vocabulary (libs/food-vocabulary),
 * so the form, the customer profiles and the products speak one language; any other spelling of
 * them (`dairy`, `soya`) is accepted and stored as its code.
 */
export const ALLERGIES = choices([
  ['shellfish', 'Shellfish'],
  ['fish', 'Fish'],
  ['eggs', 'Eggs'],
  ['milk', 'Dairy (milk)'],
  ['tree_nuts', 'Tree nuts'],
  ['peanuts', 'Peanuts'],
  ['soy', 'Soy'],
  ['wheat', 'Wheat'],
  ['sesame', 'Sesame'],
  ['pork', 'Pork'],
  ['beef', 'Beef'],
] as const);

export const PREVIOUS_DIETS = choices([
  ['keto', 'Keto'],
  ['low_carb', 'Low carb'],
  ['paleo', 'Paleo'],
  ['low_fat', 'Low fat'],
  ['vegan', 'Vegan'],
  ['vegetarian', 'Vegetarian'],
  ['calorie_counting', 'Calorie counting'],
  ['intermittent_fasting', 'Intermittent fasting'],
  ['mediterranean', 'Mediterranean'],
  ['none', 'None'],
] as const);

export const GOALS = choices([
  ['weight_loss', 'Weight loss'],
  ['energy', 'More energy'],
  ['mental_clarity', 'Mental clarity'],
  ['muscle_gain', 'Muscle gain'],
  ['gut_health', 'Gut health'],
  ['inflammation', 'Less inflammation'],
  ['blood_sugar', 'Blood sugar control'],
  ['performance', 'Athletic performance'],
  ['longevity', 'Longevity'],
] as const);

export const DAIRY_TOLERANCE = choices([
  ['full', 'I tolerate all dairy'],
  ['butter_only', 'Butter only'],
  ['none', 'No dairy'],
] as const);

export const BUDGET = choices([
  ['budget', 'Budget'],
  ['moderate', 'Moderate'],
  ['premium', 'Premium'],
] as const);

export const COOKING_SKILL = choices([
  ['beginner', 'Beginner'],
  ['intermediate', 'Intermediate'],
  ['advanced', 'Advanced'],
] as const);

export const CARNIVORE_EXPERIENCE = choices([
  ['new', 'New to carnivore'],
  ['under_6_months', 'Less than 6 months'],
  ['over_6_months', 'More than 6 months'],
] as const);

export const MEAL_PREP_TIME = choices([
  ['under_15_min', 'Under 15 minutes'],
  ['15_30_min', '15–30 minutes'],
  ['30_60_min', '30–60 minutes'],
  ['over_60_min', 'Over an hour'],
] as const);

export const FAMILY_SITUATION = choices([
  ['solo', 'Just me'],
  ['couple', 'Couple'],
  ['family_with_kids', 'Family with kids'],
  ['family_adults', 'Family of adults'],
] as const);

export const WORK_TRAVEL = choices([
  ['none', 'Rarely or never'],
  ['occasional', 'Occasionally'],
  ['frequent', 'Frequently'],
] as const);

export const BOUNDS = {
  age: { min: 18, max: 100 },
  height_cm: { min: 120, max: 230 },
  height_ft: { min: 3, max: 7 },
  height_in: { min: 0, max: 11.99 },
  weight_kg: { min: 35, max: 300 },
  weight_lbs: { min: 77, max: 660 },
  deficit_percentage: { min: 5, max: 35 },
  body_fat_percent: { min: 3, max: 60 },
} as const;

export const TEXT_LIMITS = {
  email: 255,
  name: 100,
  long: 5000,
  maxListItems: 20,
} as const;

export type Sex = (typeof SEX.values)[number];
export type Activity = (typeof ACTIVITY.values)[number];
export type Goal = (typeof GOAL.values)[number];
export type DietType = (typeof DIET_TYPE.values)[number];
export type ExerciseFrequency = (typeof EXERCISE_FREQUENCY.values)[number];
export type Condition = (typeof CONDITIONS.values)[number];
export type Allergy = (typeof ALLERGIES.values)[number];
