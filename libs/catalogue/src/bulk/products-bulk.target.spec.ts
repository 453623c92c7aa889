import type { LineWarning } from '#libs/db';
import { splitList } from '#libs/food-vocabulary';
import { productCodes } from '../product-codes.js';
import { ProductsBulkTarget } from './products-bulk.target.js';

const columns = [
  { column: 'name', header: 'Name' },
  { column: 'allergens', header: 'Allergens' },
  { column: 'dietary_tags', header: 'Diet' },
];

/** What a line's allergen and tag cells become, straight from the vocabulary (no memory). */
function expected(allergens: string, tags: string): [string, string] {
  const codes = productCodes(splitList(allergens), splitList(tags));
  return [codes.allergens.join('|'), codes.dietary_tags.join('|')];
}

/** The same line through a transform that has seen nothing before. */
function alone(
  allergens: string,
  tags: string,
): { values: string[]; warnings: readonly LineWarning[] | null } {
  const values = ['Bar', allergens, tags];
  const warnings = new ProductsBulkTarget().lineTransform(columns)!(values);
  return { values, warnings };
}

describe('ProductsBulkTarget.lineTransform', () => {
  const transform = new ProductsBulkTarget().lineTransform(columns)!;

  it('gives every line its own canonical codes and warnings, repeated cells included', () => {
    const cells: [string, string][] = [
      ['Peanuts|Milk', 'vegan|gluten free'],
      ['Peanuts|Milk', 'vegan|gluten free'],
      ['shellfish', ''],
      ['', 'Vegan'],
      ['unobtainium', 'vegan'],
      ['unobtainium', 'vegan'],
      ['Peanuts|Milk', 'keto'],
    ];
    for (const [allergens, tags] of cells) {
      const values = ['Bar', allergens, tags];
      const warnings = transform(values);
      expect(values).toEqual(['Bar', ...expected(allergens, tags)]);
      expect({ values, warnings }).toEqual(alone(allergens, tags));
    }
    const unknown = ['Bar', 'unobtainium', ''];
    expect(transform(unknown)).toEqual([
      expect.objectContaining({ column: 'Allergens', code: 'unobtainium', reason: 'unknown_allergen' }),
    ]);
    const contradicted = ['Bar', 'Milk', 'vegan'];
    expect(transform(contradicted)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ column: 'Diet', code: 'vegan', reason: 'contradicted_tag' }),
      ]),
    );
  });

  it('stays right past the pairs it remembers (it starts over)', () => {
    const fresh = new ProductsBulkTarget().lineTransform(columns)!;
    for (let i = 0; i < 100_010; i++) {
      const values = ['Bar', i % 2 ? 'milk' : 'Peanuts', `tag-${i}`];
      fresh(values);
      expect(values[1]).toBe(i % 2 ? 'milk' : 'peanuts');
    }
    const values = ['Bar', 'Milk|Eggs', 'vegan'];
    fresh(values);
    expect(values).toEqual(['Bar', ...expected('Milk|Eggs', 'vegan').slice(0, 2)]);
  });
});
