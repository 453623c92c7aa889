/**
 * Personalisation rules of seed 001, each a small named function the composer (and the checks on
 * model output) use. Every rule has its own unit test in rules.spec.ts.
 */
import { allergenWords, containsAllergen } from '#libs/food-vocabulary';
import { FOODS, NON_BUTTER_DAIRY_TERMS, type Food, type FoodGroup } from './foods.js';
import type { ReportProfile } from './report-input.js';

/** Medications as the person wrote them, one per item ("Metformin 500mg 2x/day"). */
export function medicationList(text: string | undefined): string[] {
  if (!text) return [];
  const items = text
    .split(/[\n,;]+|\s+and\s+/i)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !/^(none|no|n\/a|nothing)$/i.test(s));
  return [...new Set(items)];
}

/** The drug name of a medication item: its first word ("Metformin"). */
export function medicationName(item: string): string {
  return item.split(/\s+/)[0]!.replace(/[^\p{L}\p{N}-]/gu, '');
}

/** Words from "foods you avoid" (2+ letters), lower-case. */
export function avoidTerms(text: string | undefined): string[] {
  if (!text) return [];
  const stop = new Set([
    'and',
    'or',
    'the',
    'any',
    'all',
    'no',
    'not',
    'of',
    'with',
    'food',
    'foods',
    'i',
    'avoid',
    'dont',
    "don't",
    'eat',
  ]);
  return [
    ...new Set(
      text
        .toLowerCase()
        .split(/[^\p{L}]+/u)
        .filter((w) => w.length > 2 && !stop.has(w))
        .map((w) => w.replace(/(ies)$/, 'y').replace(/(?<=[^s])s$/, '')),
    ),
  ];
}

/** An allergy the vocabulary does not know is banned as its own word. */
function unknownAllergyWords(allergies: string[]): string[] {
  return allergies
    .filter((a) => allergenWords([a]).length === 0)
    .map((a) => a.replace(/_/g, ' ').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/**
 * Regular-expression fragments that must never appear in the report for this person: the words of
 * every allergen their allergies rule out (a shellfish allergy bans crab and oyster; a crab allergy
 * bans "shellfish" too — a group name suggests its members).
 */
export function bannedTerms(p: ReportProfile): string[] {
  const terms = [...allergenWords(p.allergies ?? []), ...unknownAllergyWords(p.allergies ?? [])];
  if (p.dairy_tolerance === 'none') terms.push(...allergenWords(['milk']));
  if (p.dairy_tolerance === 'butter_only') terms.push(...NON_BUTTER_DAIRY_TERMS);
  terms.push(...avoidTerms(p.avoid_foods).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return [...new Set(terms)];
}

export function bannedPattern(p: ReportProfile): RegExp | null {
  const terms = bannedTerms(p);
  return terms.length ? new RegExp(`\\b(?:${terms.join('|')})`, 'i') : null;
}

/** Foods allowed for this person: diet, allergies, dairy tolerance, avoided foods. */
export function allowedFoods(p: ReportProfile): Food[] {
  const banned = bannedPattern(p);
  return FOODS.filter(
    (f) =>
      f.diets.includes(p.diet_type) &&
      !containsAllergen(f.allergens, p.allergies ?? []) &&
      !(p.dairy_tolerance === 'none' && f.group === 'dairy') &&
      !(p.dairy_tolerance === 'butter_only' && f.dairy !== undefined && f.dairy !== 'butter') &&
      !(banned && banned.test(f.name)),
  );
}

const BUDGET_ORDER = { budget: 0, moderate: 1, premium: 2 } as const;

/**
 * Budget picks the food tier: a budget shopper sees the cheapest cuts first (ground beef), a
 * premium one the best (grass-fed) first; nothing above their budget is suggested.
 */
export function foodsForBudget(foods: Food[], budget: ReportProfile['budget'] = 'moderate'): Food[] {
  const limit = BUDGET_ORDER[budget];
  const within = foods.filter((f) => BUDGET_ORDER[f.budget] <= limit);
  return [...within].sort((a, b) =>
    budget === 'premium'
      ? BUDGET_ORDER[b.budget] - BUDGET_ORDER[a.budget]
      : BUDGET_ORDER[a.budget] - BUDGET_ORDER[b.budget],
  );
}

export function pick(foods: Food[], groups: FoodGroup[], count: number): string[] {
  return foods
    .filter((f) => groups.includes(f.group))
    .slice(0, count)
    .map((f) => f.name);
}

/** Servings per recipe: solo 1, couple 2, adults 3, family with kids 4. */
export function servings(family: ReportProfile['family_situation']): number {
  return { solo: 1, couple: 2, family_adults: 3, family_with_kids: 4 }[family ?? 'solo'];
}

/** Frequent travellers get the dining-out and travel guide whatever their tier. */
export function needsDiningOutGuide(p: ReportProfile): boolean {
  return p.work_travel === 'frequent';
}

export type ChallengeCategory = 'time' | 'social' | 'consistency' | 'cost';

const CHALLENGE_KEYWORDS: [ChallengeCategory, RegExp][] = [
  ['cost', /\b(cost|expensive|money|afford|budget|price|cheap)/i],
  ['time', /\b(time|busy|schedule|work(ing)? (late|long)|hours|rush|commute|no time)/i],
  [
    'social',
    /\b(social|family|friends?|party|parties|partner|wife|husband|kids|restaurant|eating out|dinners?|holiday|peer)/i,
  ],
  [
    'consistency',
    /\b(fell off|falling off|consisten|stick|motivation|cravings?|quit|relapse|cheat|discipline|habit|back on track)/i,
  ],
];

/** The biggest challenge, classified so it gets tactics of its kind. */
export function challengeCategory(text: string | undefined): ChallengeCategory {
  if (!text) return 'consistency';
  for (const [category, re] of CHALLENGE_KEYWORDS)
    if (category === 'consistency' && re.test(text)) return category;
  for (const [category, re] of CHALLENGE_KEYWORDS) if (re.test(text)) return category;
  return 'consistency';
}

/** What the person's diet history means for this plan, or null when there is nothing to say. */
export function previousDietNote(p: ReportProfile): string | null {
  const diets = p.previous_diets ?? [];
  if (diets.includes('keto') || diets.includes('low_carb')) {
    return "You've already proven that cutting carbs works for you. Carnivore builds on that: same metabolic switch, fewer decisions.";
  }
  if (diets.includes('low_fat'))
    return "You know from low-fat dieting what doesn't work: this plan is built the other way round, with fat as your main fuel.";
  if (diets.includes('calorie_counting'))
    return 'Carnivore takes you out of the calorie-counting mindset: eat to your protein target and let satiety do the rest.';
  if (diets.includes('vegan') || diets.includes('vegetarian'))
    return 'Coming from a plant-based diet, go gradually: your digestion needs a few weeks to adapt to more fat and protein.';
  return null;
}

export interface ConditionFlags {
  bloodSugar: boolean;
  bloodPressure: boolean;
  cholesterol: boolean;
  kidney: boolean;
  gut: boolean;
  autoimmune: boolean;
  thyroid: boolean;
  gout: boolean;
}

export function conditionFlags(conditions: string[] = []): ConditionFlags {
  const has = (...c: string[]) => c.some((x) => conditions.includes(x));
  return {
    bloodSugar: has('diabetes', 'prediabetes', 'pcos', 'fatty_liver'),
    bloodPressure: has('hypertension', 'heart_disease'),
    cholesterol: has('high_cholesterol', 'heart_disease'),
    kidney: has('ckd'),
    gut: has('ibs', 'celiac'),
    autoimmune: has('autoimmune', 'celiac'),
    thyroid: has('thyroid'),
    gout: has('gout'),
  };
}

/** Tone of the opening, by condition (seed 001 rule 1). */
export function tone(conditions: string[] = []): 'urgent' | 'healing' | 'optimising' {
  if (conditions.includes('diabetes') || conditions.includes('prediabetes')) return 'urgent';
  if (conditions.includes('autoimmune') || conditions.includes('ibs') || conditions.includes('celiac'))
    return 'healing';
  return 'optimising';
}
