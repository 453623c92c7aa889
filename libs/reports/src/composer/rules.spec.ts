import { ALLERGIES, BUDGET, DAIRY_TOLERANCE, DIET_TYPE, FAMILY_SITUATION } from '#libs/calculator';
import { composeReport, documentText, findBannedText } from './composer.js';
import { DOCTOR_SECTIONS, MICHAEL_PROFILE, reportInput } from './fixtures.js';
import {
  allowedFoods,
  avoidTerms,
  challengeCategory,
  foodsForBudget,
  medicationList,
  needsDiningOutGuide,
  previousDietNote,
  servings,
} from './rules.js';
import { renderMarkdown } from '../document/render-markdown.js';

const text = (profile: Parameters<typeof reportInput>[0] = {}, sections = DOCTOR_SECTIONS) =>
  documentText(composeReport(reportInput(profile, sections)));
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;
const BUNDLE = [1, 2, 3, 4, 5, 6, 7, 8, 9];

describe('personalisation rules', () => {
  it('name: the first name appears at least 5 times, even in the smallest tier', () => {
    expect(count(text({}, BUNDLE), 'Michael')).toBeGreaterThanOrEqual(5);
    expect(
      count(text({ first_name: 'Ana', conditions: [], goals: [] }, BUNDLE), 'Ana'),
    ).toBeGreaterThanOrEqual(5);
  });

  it('diabetes: blood-sugar subsection, medication warning, week-1 monitoring, HbA1c and fasting insulin', () => {
    const doc = composeReport(reportInput());
    const section = (key: string) => documentText(doc.sections.filter((s) => s.key === key));
    expect(section('why_it_works')).toContain('For blood sugar and diabetes');
    expect(section('why_it_works')).toMatch(/Glucose-lowering medication may need a lower dose/);
    expect(section('timeline_30_days')).toMatch(/Monitor your blood sugar/);
    expect(section('physician_guide')).toMatch(/HbA1c[\s\S]*Fasting insulin/);
    const without = composeReport(reportInput({ conditions: [] }));
    expect(documentText(without)).not.toContain('For blood sugar and diabetes');
    expect(documentText(without.sections.filter((s) => s.key === 'physician_guide'))).not.toContain('HbA1c');
  });

  it('medications: every one is named in the medical disclaimer', () => {
    expect(medicationList('Metformin 500mg 2x/day, Lisinopril 10mg daily\nAtorvastatin; none')).toEqual([
      'Metformin 500mg 2x/day',
      'Lisinopril 10mg daily',
      'Atorvastatin',
    ]);
    const disclaimer = documentText(
      composeReport(
        reportInput({ medications: 'Metformin 500mg, Lisinopril 10mg and Levothyroxine' }),
      ).sections.filter((s) => s.key === 'medical_disclaimer'),
    );
    for (const med of ['Metformin', 'Lisinopril', 'Levothyroxine']) expect(disclaimer).toContain(med);
  });

  it('allergies: no allergen anywhere in the report', () => {
    for (const allergy of ALLERGIES.values) {
      const profile = { allergies: [allergy] };
      expect({
        allergy,
        leak: findBannedText({ ...MICHAEL_PROFILE, ...profile }, composeReport(reportInput(profile))),
      }).toEqual({ allergy, leak: null });
    }
    const shellfish = text({ allergies: ['shellfish'] });
    expect(shellfish).not.toMatch(/shrimp|oyster|shellfish/i);
  });

  it('avoided foods never reach food lists', () => {
    expect(avoidTerms('Liver, pork rinds and sardines')).toEqual(['liver', 'pork', 'rind', 'sardine']);
    const foods = allowedFoods({ ...MICHAEL_PROFILE, avoid_foods: 'liver and chicken' }).map((f) => f.name);
    expect(foods.some((f) => /liver|chicken/.test(f))).toBe(false);
    expect(text({ avoid_foods: 'liver, chicken' })).not.toMatch(/liver|chicken/i);
  });

  it('dairy "butter only": butter stays, no cheese, cream or milk', () => {
    const butterOnly = text({ dairy_tolerance: 'butter_only', diet_type: 'keto' }, [
      ...DOCTOR_SECTIONS,
      10,
      11,
      12,
    ]);
    expect(butterOnly).toMatch(/butter/);
    expect(butterOnly).not.toMatch(/cheese|cheddar|cream|milk/i);
    expect(text({ dairy_tolerance: 'full' }, [10])).toMatch(/cheddar|cream/);
  });

  it('budget picks the food tier: ground beef for budget, grass-fed for premium', () => {
    const first = (budget: 'budget' | 'premium') =>
      foodsForBudget(allowedFoods({ ...MICHAEL_PROFILE, budget }), budget)[0]!.name;
    expect(first('budget')).toBe('ground beef (80/20)');
    expect(first('premium')).toMatch(/grass-fed/);
    expect(text({ budget: 'budget' }, [5])).not.toMatch(/grass-fed/);
  });

  it('family situation scales recipes', () => {
    expect(FAMILY_SITUATION.values.map((f) => servings(f))).toEqual([1, 2, 4, 3]);
    expect(text({ family_situation: 'family_with_kids' }, [11])).toContain('Portions are for 4 people');
    expect(text({ family_situation: 'solo' }, [11])).toContain('Portions are for 1 person');
  });

  it('frequent travel includes the dining-out guide in any tier', () => {
    expect(needsDiningOutGuide({ ...MICHAEL_PROFILE, work_travel: 'frequent' })).toBe(true);
    expect(text({ work_travel: 'frequent' }, BUNDLE)).toMatch(/Airports and stations/);
    expect(text({ work_travel: 'none' }, BUNDLE)).not.toMatch(/Airports and stations/);
  });

  it('previous keto success is acknowledged', () => {
    expect(previousDietNote(MICHAEL_PROFILE)).toMatch(/already proven/);
    expect(text({}, BUNDLE)).toMatch(/already proven that cutting carbs works/);
    expect(previousDietNote({ ...MICHAEL_PROFILE, previous_diets: ['none'] })).toBeNull();
  });

  it('the biggest challenge gets tactics for its category', () => {
    expect(challengeCategory('I fell off keto after 14 months')).toBe('consistency');
    expect(challengeCategory('I work long hours and have no time to cook')).toBe('time');
    expect(challengeCategory('My family eats pasta every night')).toBe('social');
    expect(challengeCategory('Good meat is too expensive')).toBe('cost');
    expect(text({ biggest_challenge: 'Good meat is too expensive' }, BUNDLE)).toMatch(/cheapest cuts/);
    expect(text({}, BUNDLE)).toMatch(/You wrote: "I fell off keto after 14 months"[\s\S]*emergency protocol/);
  });
});

describe('composer', () => {
  it('contains exactly the tier’s sections, in order', () => {
    expect(composeReport(reportInput()).sections.map((s) => s.number)).toEqual(DOCTOR_SECTIONS);
    expect(composeReport(reportInput({}, [12, 1, 10])).sections.map((s) => s.key)).toEqual([
      'cover',
      'food_pyramid',
      'grocery_lists',
    ]);
  });

  it('is deterministic: the same input gives byte-identical output', () => {
    expect(renderMarkdown(composeReport(reportInput()))).toBe(renderMarkdown(composeReport(reportInput())));
  });

  it('never leaks a banned food across many random profiles', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const some = <T>(xs: readonly T[]) => xs.filter(() => rnd() < 0.3);
    const one = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    for (let i = 0; i < 300; i++) {
      const profile = {
        allergies: some(ALLERGIES.values),
        dairy_tolerance: one(DAIRY_TOLERANCE.values),
        diet_type: one(DIET_TYPE.values),
        budget: one(BUDGET.values),
        family_situation: one(FAMILY_SITUATION.values),
        avoid_foods: one(['', 'liver', 'chicken, lamb', 'sweet potatoes']),
      };
      const all = Array.from({ length: 21 }, (_, n) => n + 1);
      const doc = composeReport(reportInput(profile, all));
      expect(findBannedText({ ...MICHAEL_PROFILE, ...profile }, doc)).toBeNull();
      for (const word of profile.avoid_foods.split(/,\s*/).filter(Boolean)) {
        const lists = documentText(
          doc.sections.filter((s) =>
            ['first_action', 'food_pyramid', 'daily_eating', 'grocery_lists'].includes(s.key),
          ),
        );
        expect(lists.toLowerCase()).not.toContain(word.replace(/s$/, ''));
      }
    }
  });
});
