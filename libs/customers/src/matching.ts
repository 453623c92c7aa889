import { NUTRIENTS, nutrientUnit, type Nutrient, type ProductListing } from '#libs/catalogue';
import {
  allergenExclusions,
  allergenLabels,
  checkedAllergens,
  codeForm,
  normaliseAllergens,
} from '#libs/food-vocabulary';
import type { HealthProfile } from './customer.types.js';

/** The orderings the catalogue is indexed for (see migrations/…-matches.ts). */
export type GoalOrdering = 'protein_density' | 'satiety' | 'low_sugar' | 'heart';

export interface MatchCriteria {
  /** The customer's allergies and the allergens their conditions' rules exclude (canonical codes). */
  allergies: string[];
  ruleAllergens: string[];
  /** Every code those rule out in a product (allergenExclusions: groups, members and spellings). */
  excludeAllergens: string[];
  requireTags: string[];
  excludeTags: string[];
  /** Per-serving maximum per nutrient: the daily limit × the per-meal fraction. */
  perMealLimits: Partial<Record<Nutrient, number>>;
  ordering: GoalOrdering;
}

/** What matching reads of a product: its listing fields and per-serving nutrients. */
export type CandidateProduct = ProductListing;

const union = (...lists: (readonly string[] | undefined)[]) =>
  [...new Set(lists.flatMap((l) => l ?? []))].sort();

/** Goals in priority order → the ordering that serves them. */
const GOAL_ORDERING: [string, GoalOrdering][] = [
  ['muscle_gain', 'protein_density'],
  ['weight_loss', 'satiety'],
  ['blood_sugar_control', 'low_sugar'],
  ['heart_health', 'heart'],
];

/** What a profile (with its derived limits) asks of a product. */
export function matchCriteria(
  profile: Pick<HealthProfile, 'derived_limits' | 'allergies' | 'dietary_preferences' | 'goals'>,
): MatchCriteria {
  const d = profile.derived_limits;
  const fraction = Number(d.per_meal_fraction ?? 1 / 3);
  const perMealLimits: Partial<Record<Nutrient, number>> = {};
  for (const [nutrient, daily] of Object.entries(d.daily_limits ?? {})) {
    if ((NUTRIENTS as readonly string[]).includes(nutrient)) {
      perMealLimits[nutrient as Nutrient] = Math.round(Number(daily) * fraction * 1000) / 1000;
    }
  }
  const conditions = d.conditions ?? [];
  const goal = GOAL_ORDERING.find(([g]) => profile.goals.includes(g));
  const ordering: GoalOrdering =
    goal?.[1] ??
    (conditions.includes('diabetes')
      ? 'low_sugar'
      : conditions.includes('heart_disease')
        ? 'heart'
        : 'protein_density');
  const allergies = union(normaliseAllergens(profile.allergies).codes);
  const ruleAllergens = union(normaliseAllergens(d.exclude_allergens ?? []).codes).filter(
    (a) => !allergies.includes(a),
  );
  return {
    allergies,
    ruleAllergens,
    excludeAllergens: allergenExclusions([...allergies, ...ruleAllergens]),
    requireTags: union(profile.dietary_preferences, d.require_tags),
    excludeTags: union(d.exclude_tags),
    perMealLimits,
    ordering,
  };
}

/** Does the product satisfy every hard constraint? (The SQL applies the same; tests check both agree.) */
export function isSafe(p: CandidateProduct, c: MatchCriteria): boolean {
  if (p.allergens.some((a) => c.excludeAllergens.includes(codeForm(a)))) return false;
  if (!c.requireTags.every((t) => p.dietary_tags.includes(t))) return false;
  if (p.dietary_tags.some((t) => c.excludeTags.includes(t))) return false;
  return Object.entries(c.perMealLimits).every(([n, max]) => {
    const v = p[n as Nutrient];
    return v !== null && v <= (max as number);
  });
}

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));
const per100kcal = (g: number | null, kcal: number | null) => ((g ?? 0) * 100) / Math.max(kcal ?? 0, 1);

/**
 * Fit in 0–100: 50 % how well it serves the goal's ordering, 30 % headroom under the tightest
 * per-meal limit, 20 % protein density (10 g per 100 kcal counts as full marks).
 */
export function fitScore(p: CandidateProduct, c: MatchCriteria): number {
  const protein = clamp01(per100kcal(p.protein_g, p.calories) / 10);
  const goal =
    c.ordering === 'protein_density'
      ? protein
      : c.ordering === 'satiety'
        ? clamp01(per100kcal((p.protein_g ?? 0) + (p.fiber_g ?? 0), p.calories) / 12)
        : c.ordering === 'low_sugar'
          ? 1 - clamp01((p.sugar_g ?? 25) / 25)
          : 1 - clamp01(((p.saturated_fat_g ?? 13) / 13 + (p.sodium_mg ?? 1500) / 1500) / 2);
  const ratios = Object.entries(c.perMealLimits).map(([n, max]) =>
    (max as number) > 0 ? ((p[n as Nutrient] ?? 0) as number) / (max as number) : 1,
  );
  const headroom = ratios.length ? 1 - clamp01(Math.max(...ratios)) : 1;
  return Math.round((50 * goal + 30 * headroom + 20 * protein) * 100) / 100;
}

const label = (n: string) => n.replace(/_(g|mg)$/, '').replace(/_/g, ' ');

/** Why this product was matched, in words a customer (or a vendor's UI) can show. */
export function matchReasons(p: CandidateProduct, c: MatchCriteria): string[] {
  const reasons: string[] = [];
  if (c.allergies.length || c.ruleAllergens.length) {
    const why = [
      ...(c.allergies.length ? [`your allergies: ${allergenLabels(c.allergies).join(', ')}`] : []),
      ...(c.ruleAllergens.length
        ? [`your conditions rule out: ${allergenLabels(c.ruleAllergens).join(', ')}`]
        : []),
    ];
    reasons.push(
      `contains none of: ${checkedAllergens([...c.allergies, ...c.ruleAllergens]).join(', ')} — ${why.join('; ')}`,
    );
  }
  if (c.requireTags.length) reasons.push(`is ${c.requireTags.join(', ')}`);
  for (const [n, max] of Object.entries(c.perMealLimits)) {
    const unit = nutrientUnit(n as Nutrient);
    reasons.push(`${label(n)} ${p[n as Nutrient]} ${unit} within the ${max} ${unit} per-meal limit`);
  }
  const density = per100kcal(p.protein_g, p.calories);
  if (density >= 5) reasons.push(`high protein: ${density.toFixed(1)} g per 100 kcal`);
  if (c.ordering === 'low_sugar' && (p.sugar_g ?? Infinity) <= 5)
    reasons.push(`low sugar: ${p.sugar_g} g per serving`);
  if (c.ordering === 'satiety' && (p.fiber_g ?? 0) >= 3)
    reasons.push(`good fibre: ${p.fiber_g} g per serving`);
  return reasons;
}
