import fc from 'fast-check';
import { ALLERGEN_ENTRIES } from './allergens.js';
import {
  ALLERGEN_CODES,
  allergenExclusionCodes,
  allergenExclusions,
  canonicalDietTags,
  checkedAllergens,
  codeForm,
  containsAllergen,
  normaliseAllergens,
  normaliseDietTags,
  splitList,
} from './vocabulary.js';

/** Regulation (EU) No 1169/2011, Annex II, as the regulation words its 14 groups. */
const EU_ANNEX_II = [
  'Cereals containing gluten',
  'Wheat',
  'Spelt',
  'Khorasan wheat',
  'Rye',
  'Barley',
  'Oats',
  'Crustaceans',
  'Eggs',
  'Fish',
  'Peanuts',
  'Soybeans',
  'Milk',
  'Lactose',
  'Nuts',
  'Almonds',
  'Hazelnuts',
  'Walnuts',
  'Cashews',
  'Pecan nuts',
  'Brazil nuts',
  'Pistachio nuts',
  'Macadamia',
  'Queensland nuts',
  'Celery',
  'Mustard',
  'Sesame seeds',
  'Sulphur dioxide and sulphites',
  'Lupin',
  'Molluscs',
];
/** The US major food allergens (FALCPA 2004 + FASTER Act 2021), as FDA guidance words them. */
const US_MAJOR = [
  'Milk',
  'Eggs',
  'Fish',
  'Crustacean shellfish',
  'Tree nuts',
  'Peanuts',
  'Wheat',
  'Soybeans',
  'Sesame',
];

describe('the allergen vocabulary', () => {
  it.each([...EU_ANNEX_II, ...US_MAJOR])('knows the regulatory name "%s"', (name) => {
    const { codes, unknown } = normaliseAllergens([name]);
    expect(unknown).toEqual([]);
    expect(codes).toHaveLength(1);
  });

  it.each([
    ['dairy', 'milk'],
    ['Lactose', 'milk'],
    ['soya', 'soy'],
    ['Soybeans', 'soy'],
    ['crustacean shellfish', 'crustaceans'],
    ['Crustacean_Shellfish', 'crustaceans'],
    ['egg', 'eggs'],
    ['Tree Nuts', 'tree_nuts'],
    ['peanut', 'peanuts'],
    ['groundnuts', 'peanuts'],
    ['sulfites', 'sulphites'],
    ['gluten', 'gluten_cereals'],
    ['prawns', 'shrimp'],
    ['kamut', 'khorasan_wheat'],
    ["cow's milk", 'milk'],
    ['Sésame', 'sesame'],
  ])('reads "%s" as %s', (spelling, code) => {
    expect(normaliseAllergens([spelling]).codes).toEqual([code]);
  });

  it('keeps an unknown code (never drops an allergen) and reports it', () => {
    expect(normaliseAllergens(['Kiwi Fruit', 'milk'])).toEqual({
      codes: ['kiwi_fruit', 'milk'],
      unknown: ['kiwi_fruit'],
    });
    // nothing to make a code of: kept as sent, so validation refuses it
    expect(normaliseAllergens(['卵']).codes).toEqual(['卵']);
  });

  it('has one meaning per spelling and parents that exist', () => {
    const codes = new Set(ALLERGEN_CODES);
    for (const e of ALLERGEN_ENTRIES)
      if (e.parent) expect([e.code, codes.has(e.parent)]).toEqual([e.code, true]);
  });

  it('rules out a group with everything it contains, and a member with the groups it belongs to', () => {
    expect(allergenExclusions(['shellfish'])).toEqual(
      expect.arrayContaining(['shellfish', 'crustaceans', 'molluscs', 'crab', 'shrimp', 'oyster', 'squid']),
    );
    expect(allergenExclusions(['almond'])).toEqual(expect.arrayContaining(['almond', 'tree_nuts', 'nuts']));
    expect(allergenExclusions(['almond'])).not.toContain('walnut');
    expect(allergenExclusions(['gluten_cereals'])).toEqual(
      expect.arrayContaining(['wheat', 'spelt', 'khorasan_wheat', 'rye', 'barley', 'oats']),
    );
    expect(allergenExclusions(['crustaceans'])).not.toContain('molluscs');
    expect(containsAllergen(['crab'], ['dairy', 'eggs', 'fish', 'shellfish'])).toBe(true);
    expect(containsAllergen(['rice'], ['dairy', 'eggs', 'fish', 'shellfish'])).toBe(false);
  });

  it('rules out canonical codes alone for what stored products declare, every spelling for the checks', () => {
    // the search's full-text indexes hold the stored (canonical) codes; the checks compare all spellings
    const codes = allergenExclusionCodes(['almond', 'Soya']);
    expect(codes).toEqual(['almond', 'soy', 'tree_nuts']);
    expect(codes.every((c) => ALLERGEN_ENTRIES.some((e) => e.code === c))).toBe(true);
    expect(allergenExclusionCodes(['Bee pollen'])).toEqual(['bee_pollen']);
    const spellings = allergenExclusions(['almond', 'Soya']);
    expect(spellings).toEqual(expect.arrayContaining([...codes, 'almonds', 'nuts', 'soya']));
  });

  it('names what a match reason checked: the allergen, its groups and its members', () => {
    expect(checkedAllergens(['dairy', 'eggs', 'shellfish'])).toEqual([
      'milk',
      'eggs',
      'shellfish',
      'crustaceans',
      'molluscs',
    ]);
  });
});

describe('the diet-tag vocabulary', () => {
  it('adds what a tag implies and reads other spellings', () => {
    expect(normaliseDietTags(['Vegan', 'GF']).codes).toEqual([
      'dairy_free',
      'egg_free',
      'gluten_free',
      'vegan',
      'vegetarian',
    ]);
    expect(canonicalDietTags(['Veggie', 'gluten-free']).codes).toEqual(['gluten_free', 'vegetarian']);
  });

  it('drops a tag the allergens contradict, and says why', () => {
    const r = normaliseDietTags(['gluten_free', 'vegan'], normaliseAllergens(['oats', 'milk']).codes);
    // vegan goes, but what it implied and milk does not contradict stays (milk is vegetarian)
    expect(r.codes).toEqual(['egg_free', 'vegetarian']);
    expect(r.contradicted).toEqual(
      expect.arrayContaining([
        { tag: 'gluten_free', allergen: 'oats' },
        { tag: 'vegan', allergen: 'milk' },
        { tag: 'dairy_free', allergen: 'milk' },
      ]),
    );
  });
});

describe('property: a product declaring any member or spelling of an allergen group is never safe for someone allergic to the group', () => {
  const parents = ALLERGEN_ENTRIES.filter((e) => ALLERGEN_ENTRIES.some((c) => c.parent === e.code));
  /** Every code under `code` (and itself), walked from the parent links alone (an independent oracle). */
  const under = (code: string): string[] => [
    code,
    ...ALLERGEN_ENTRIES.filter((e) => e.parent === code).flatMap((e) => under(e.code)),
  ];
  const spellings = (code: string) => {
    const e = ALLERGEN_ENTRIES.find((x) => x.code === code)!;
    return [e.code, ...e.synonyms, e.label];
  };
  const variant = (s: string) =>
    fc.constantFrom(s, s.toUpperCase(), s.replace(/_/g, ' '), ` ${s.replace(/_/g, '-')} `);

  it('holds over random spellings on both sides', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...parents.map((p) => p.code)).chain((parent) =>
          fc.tuple(
            fc.constant(parent),
            fc.constantFrom(...spellings(parent)).chain(variant),
            fc
              .constantFrom(...under(parent))
              .chain((member) => fc.constantFrom(...spellings(member)).chain(variant)),
          ),
        ),
        ([, allergy, declared]) => {
          const stored = normaliseAllergens([declared]).codes; // as every write stores it
          expect(containsAllergen(stored, [allergy])).toBe(true);
          expect(containsAllergen([codeForm(declared)], [allergy])).toBe(true); // a stored spelling too
        },
      ),
      { numRuns: 5000, seed: 29 },
    );
  });
});

describe('lists as vendors write them', () => {
  it('splits on | ; , but not inside brackets, and reads the specific names in brackets', () => {
    expect(splitList('Milk; Cereals containing gluten (wheat, barley), Egg|soy')).toEqual([
      'Milk',
      'Cereals containing gluten (wheat, barley)',
      'Egg',
      'soy',
    ]);
    expect(normaliseAllergens(['Cereals containing gluten (wheat, barley)']).codes).toEqual([
      'barley',
      'wheat',
    ]);
    expect(normaliseAllergens(['Nuts (almonds)']).codes).toEqual(['almond']);
    expect(normaliseAllergens(['Milk (including lactose)']).codes).toEqual(['milk']);
  });
});
