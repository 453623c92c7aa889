import { ACTIVITY_SCALE, activityFactor, katchMcArdle, mifflinStJeor } from './energy.js';

describe('energy', () => {
  it('gives both spellings of a level the same factor', () => {
    for (const level of ACTIVITY_SCALE) {
      expect(activityFactor(level.calculator)).toBe(level.factor);
      expect(activityFactor(level.customers)).toBe(level.factor);
    }
    expect(ACTIVITY_SCALE.map((l) => l.factor)).toEqual([1.2, 1.375, 1.55, 1.725, 1.9]);
  });

  it('computes Mifflin-St Jeor and Katch-McArdle as published', () => {
    // 80 kg, 180 cm, 30 years: 800 + 1125 − 150 = 1775
    expect(mifflinStJeor('male', 80, 180, 30)).toBe(1780);
    expect(mifflinStJeor('female', 80, 180, 30)).toBe(1614);
    expect(mifflinStJeor('other', 80, 180, 30)).toBe(1697);
    expect(katchMcArdle(60)).toBeCloseTo(1666);
  });
});
