import { normaliseAllergens } from '#libs/food-vocabulary';
import { above, allergenTable, under } from '../../../../test/support/allergen-table.js';
import { composeReport, findBannedText } from './composer.js';
import { MICHAEL_PROFILE, reportInput } from './fixtures.js';
import { allowedFoods, bannedTerms } from './rules.js';

/**
 * The shared allergen table (test/support/allergen-table.ts) against the report composer: for an
 * allergy to any group, spelled any way, no food the composer may suggest declares a member of it,
 * the member's words are banned from the text, and no composed report names one.
 */
describe('the composer and the allergen vocabulary (shared table)', () => {
  const cases = allergenTable(60);
  const contains = (declared: string[], group: string) =>
    declared.some((d) => under(group).includes(d) || above(group).includes(d));

  it.each(cases.map((c) => [c.allergy, c.group, c] as const))('allergic to "%s" (%s)', (allergy, group) => {
    const allergies = normaliseAllergens([allergy]).codes;
    const profile = { ...MICHAEL_PROFILE, diet_type: 'custom' as const, allergies };
    const foods = allowedFoods(profile);
    expect(foods.filter((f) => contains(f.allergens, group))).toEqual([]);
    expect(foods.length).toBeGreaterThan(0);
    const banned = new RegExp(`\\b(?:${bannedTerms(profile).join('|')})`, 'i');
    // the foods themselves, by name: shrimp for crustaceans, oysters for molluscs, salmon for fish
    for (const food of allowedFoods({ ...profile, allergies: [] }).filter((f) =>
      contains(f.allergens, group),
    ))
      expect([food.name, banned.test(food.name)]).toEqual([food.name, true]);
    expect(
      findBannedText(profile, composeReport(reportInput({ allergies, diet_type: 'custom' }))),
    ).toBeNull();
  });
});
