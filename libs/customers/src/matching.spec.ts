import fc from 'fast-check';
import type { HealthProfile } from './customer.types.js';
import { fitScore, isSafe, matchCriteria, matchReasons, type CandidateProduct } from './matching.js';

const ALLERGENS = ['milk', 'eggs', 'fish', 'peanuts', 'tree_nuts', 'wheat', 'soy', 'sesame'];
const TAGS = ['vegan', 'vegetarian', 'gluten_free', 'keto', 'low_sodium', 'high_purine', 'organic'];

const profile = (
  p: Partial<HealthProfile>,
  limits: Partial<HealthProfile['derived_limits']> = {},
): HealthProfile => ({
  customer_id: 'c',
  sex: 'male',
  birth_date: null,
  age: 40,
  height_cm: 180,
  weight_kg: 80,
  activity_level: 'moderate',
  conditions: [],
  allergies: [],
  dietary_preferences: [],
  goals: [],
  notes: null,
  bmr: 1730,
  tdee_cached: 2681,
  derived_at: null,
  updated_at: new Date(0),
  ...p,
  derived_limits: {
    daily_limits: {},
    exclude_tags: [],
    require_tags: [],
    exclude_allergens: [],
    per_meal_fraction: 1 / 3,
    conditions: [],
    ...limits,
  },
});

const product = (p: Partial<CandidateProduct> = {}): CandidateProduct => ({
  id: '00000000-0000-5000-8000-000000000001',
  external_id: 'X',
  name: 'Bar',
  brand: null,
  category: 'bars',
  price_cents: 200,
  currency: 'USD',
  dietary_tags: [],
  allergens: [],
  calories: 200,
  protein_g: 20,
  fat_g: 5,
  carbs_g: 20,
  sugar_g: 4,
  fiber_g: 5,
  sodium_mg: 300,
  potassium_mg: 100,
  saturated_fat_g: 2,
  serving_size_g: 50,
  ...p,
});

describe('matchCriteria', () => {
  it('takes the per-meal share of each derived daily limit and unions allergies, preferences and rule tags', () => {
    const c = matchCriteria(
      profile(
        { allergies: ['peanuts'], dietary_preferences: ['vegetarian'] },
        {
          daily_limits: { sodium_mg: 1500, sugar_g: 25, unknown_thing: 3 },
          exclude_allergens: ['wheat'],
          require_tags: ['gluten_free'],
        },
      ),
    );
    expect(c.perMealLimits).toEqual({ sodium_mg: 500, sugar_g: 8.333 });
    expect([c.allergies, c.ruleAllergens]).toEqual([['peanuts'], ['wheat']]);
    // what those rule out in a product: the groups they belong to, their members, every spelling
    expect(c.excludeAllergens).toEqual(
      expect.arrayContaining(['peanuts', 'groundnut', 'wheat', 'spelt', 'gluten_cereals', 'gluten']),
    );
    expect(c.excludeAllergens).not.toContain('barley'); // a wheat allergy is not a gluten one
    expect(c.requireTags).toEqual(['gluten_free', 'vegetarian']);
  });

  it('walks the catalogue in the order that serves the first recognised goal, else by condition', () => {
    expect(matchCriteria(profile({ goals: ['weight_loss', 'muscle_gain'] })).ordering).toBe(
      'protein_density',
    );
    expect(matchCriteria(profile({ goals: ['weight_loss'] })).ordering).toBe('satiety');
    expect(matchCriteria(profile({}, { conditions: ['diabetes'] })).ordering).toBe('low_sugar');
    expect(matchCriteria(profile({}, { conditions: ['heart_disease'] })).ordering).toBe('heart');
    expect(matchCriteria(profile({})).ordering).toBe('protein_density');
  });

  it('honours a rule’s own per-meal fraction', () => {
    expect(
      matchCriteria(profile({}, { daily_limits: { sodium_mg: 2000 }, per_meal_fraction: 0.25 }))
        .perMealLimits,
    ).toEqual({
      sodium_mg: 500,
    });
  });
});

describe('isSafe, fitScore, matchReasons', () => {
  const c = matchCriteria(profile({ allergies: ['peanuts'] }, { daily_limits: { sodium_mg: 1500 } }));

  it('refuses allergens, missing required tags, excluded tags, exceeded or unknown limited nutrients', () => {
    expect(isSafe(product(), c)).toBe(true);
    expect(isSafe(product({ allergens: ['peanuts'] }), c)).toBe(false);
    expect(isSafe(product({ sodium_mg: 501 }), c)).toBe(false);
    expect(isSafe(product({ sodium_mg: null }), c)).toBe(false);
    const tagged = matchCriteria(
      profile({ dietary_preferences: ['vegan'] }, { exclude_tags: ['high_purine'] }),
    );
    expect(isSafe(product({ dietary_tags: ['organic'] }), tagged)).toBe(false);
    expect(isSafe(product({ dietary_tags: ['vegan', 'high_purine'] }), tagged)).toBe(false);
    expect(isSafe(product({ dietary_tags: ['vegan'] }), tagged)).toBe(true);
  });

  it('scores in 0–100, more headroom and more protein scoring higher', () => {
    const base = fitScore(product(), c);
    expect(base).toBeGreaterThan(0);
    expect(base).toBeLessThanOrEqual(100);
    expect(fitScore(product({ sodium_mg: 100 }), c)).toBeGreaterThan(base);
    expect(fitScore(product({ protein_g: 5 }), c)).toBeLessThan(base);
  });

  it('explains the match', () => {
    expect(matchReasons(product(), c)).toEqual([
      'contains none of: peanuts — your allergies: peanuts',
      'sodium 300 mg within the 500 mg per-meal limit',
      'high protein: 10.0 g per 100 kcal',
    ]);
  });
});

describe('property: a customer never receives a product with one of their allergens', () => {
  const arbProduct = fc.record({
    allergens: fc.subarray(ALLERGENS),
    dietary_tags: fc.subarray(TAGS),
    sodium_mg: fc.option(fc.integer({ min: 0, max: 1500 }), { nil: null }),
    sugar_g: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
    protein_g: fc.integer({ min: 0, max: 40 }),
    calories: fc.integer({ min: 0, max: 600 }),
  });
  const arbCustomer = fc.record({
    allergies: fc.subarray(ALLERGENS, { minLength: 1 }),
    prefs: fc.subarray(['vegan', 'vegetarian', 'gluten_free']),
    sodium: fc.option(fc.integer({ min: 300, max: 3000 }), { nil: undefined }),
    ruleAllergens: fc.subarray(['wheat', 'milk']),
  });

  it('holds over 10 000 random catalogues and customers', () => {
    fc.assert(
      fc.property(fc.array(arbProduct, { minLength: 1, maxLength: 40 }), arbCustomer, (catalogue, cust) => {
        const criteria = matchCriteria(
          profile(
            { allergies: cust.allergies, dietary_preferences: cust.prefs },
            {
              daily_limits: cust.sodium ? { sodium_mg: cust.sodium } : {},
              exclude_allergens: cust.ruleAllergens,
            },
          ),
        );
        const matched = catalogue
          .map((p, i) => product({ ...p, id: `id-${i}` }))
          .filter((p) => isSafe(p, criteria));
        for (const p of matched) {
          for (const a of [...cust.allergies, ...cust.ruleAllergens]) expect(p.allergens).not.toContain(a);
          for (const t of cust.prefs) expect(p.dietary_tags).toContain(t);
          if (cust.sodium) expect(p.sodium_mg).not.toBeNull();
          if (cust.sodium) expect(p.sodium_mg!).toBeLessThanOrEqual(cust.sodium / 3 + 0.001);
        }
      }),
      { numRuns: 10_000, seed: 20261122 },
    );
  });
});
