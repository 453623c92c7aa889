import { ACTIVITY_SCALE } from '#libs/energy';
import { ACTIVITY } from './fields.js';
import { ACTIVITY_FACTORS, computeMacros, feetInchesToCm, poundsToKg, type MacroInput } from './macros.js';

/** Seed 001's example person: 35, male, 5'10", 185 lb, light activity, lose 20 %, carnivore. */
const michael: MacroInput = {
  sex: 'male',
  age: 35,
  heightCm: feetInchesToCm(5, 10),
  weightKg: poundsToKg(185),
  activity: 'light',
  goal: 'lose',
  adjustmentPercent: 20,
  diet: 'carnivore',
};

const energy = (m: { protein_grams: number; carbs_grams: number; fat_grams: number }) =>
  4 * m.protein_grams + 4 * m.carbs_grams + 9 * m.fat_grams;

describe('computeMacros', () => {
  it("reproduces seed 001's example person", () => {
    const m = computeMacros(michael);
    // BMR = 10·83.91 + 6.25·177.8 − 5·35 + 5 = 1780.4; TDEE = ×1.375 = 2448.0; −20 % = 1958.4
    expect(m.bmr).toBe(1780);
    expect(m.tdee).toBe(2448);
    expect(m.calories).toBe(1958);
    expect(m.protein_grams).toBe(130); // 0.7 × 185 = 129.5
    expect(m.carbs_grams).toBeLessThanOrEqual(20);
    expect(m.fat_grams).toBe(Math.round((1958 - 4 * 130 - 4 * 20) / 9)); // 151
    expect(Math.abs(m.calories - energy(m))).toBeLessThanOrEqual(10);
    expect(m.calculation_method).toBe('mifflin_st_jeor');
  });

  it('uses the female constant (−161)', () => {
    const m = computeMacros({ ...michael, sex: 'female', goal: 'maintain', adjustmentPercent: undefined });
    // 10·83.91 + 6.25·177.8 − 175 − 161 = 1614.4; × 1.375 = 2219.8
    expect(m.bmr).toBe(1614);
    expect(m.calories).toBe(2220);
  });

  it('switches to Katch-McArdle with body fat and protects lean mass', () => {
    const m = computeMacros({ ...michael, bodyFatPercent: 25 });
    const lean = poundsToKg(185) * 0.75; // 62.94 kg
    expect(m.calculation_method).toBe('katch_mcardle');
    expect(m.bmr).toBe(Math.round(370 + 21.6 * lean)); // 1729
    expect(m.protein_grams).toBe(Math.max(130, Math.round(1.6 * lean)));
  });

  it('applies the surplus to gain and every activity factor', () => {
    const gain = computeMacros({ ...michael, goal: 'gain', adjustmentPercent: 10, activity: 'very' });
    expect(gain.tdee).toBe(Math.round(1780.4 * 1.725));
    expect(gain.calories).toBe(Math.round(1780.39 * 1.725 * 1.1));
    expect(Object.values(ACTIVITY_FACTORS)).toEqual([1.2, 1.375, 1.55, 1.725, 1.9]);
    // the calculator's answers are the energy scale's calculator spelling, level for level
    expect([...ACTIVITY.values]).toEqual(ACTIVITY_SCALE.map((l) => l.calculator));
  });

  it('caps carbs by diet and splits them for paleo and custom', () => {
    expect(computeMacros({ ...michael, diet: 'keto' }).carbs_grams).toBe(30);
    const paleo = computeMacros({ ...michael, diet: 'paleo' });
    expect(paleo.carbs_grams).toBe(Math.round((paleo.calories * 0.2) / 4));
    const custom = computeMacros({ ...michael, diet: 'custom' });
    expect(custom.carbs_grams).toBe(Math.round((custom.calories * 0.35) / 4));
  });

  it('keeps the energy identity within 10 kcal across the whole input space', () => {
    let checked = 0;
    for (const sex of ['male', 'female'] as const)
      for (const age of [18, 40, 100])
        for (const heightCm of [120, 170, 230])
          for (const weightKg of [35, 80, 300])
            for (const activity of ['sedentary', 'moderate', 'extra'] as const)
              for (const [goal, adjustmentPercent] of [
                ['lose', 35],
                ['maintain', undefined],
                ['gain', 5],
              ] as const)
                for (const diet of ['carnivore', 'keto', 'paleo', 'custom'] as const)
                  for (const bodyFatPercent of [undefined, 3, 60]) {
                    const m = computeMacros({
                      sex,
                      age,
                      heightCm,
                      weightKg,
                      activity,
                      goal,
                      adjustmentPercent,
                      diet,
                      bodyFatPercent,
                    });
                    expect(m.fat_grams).toBeGreaterThanOrEqual(0);
                    expect(m.carbs_grams).toBeGreaterThanOrEqual(0);
                    expect(Math.abs(m.calories - energy(m))).toBeLessThanOrEqual(10);
                    checked++;
                  }
    expect(checked).toBe(2 * 3 * 3 * 3 * 3 * 3 * 4 * 3);
  });
});
