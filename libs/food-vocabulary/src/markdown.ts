import { ALLERGEN_ENTRIES } from './allergens.js';
import { DIET_TAG_ENTRIES } from './diet-tags.js';
import { allergenChildren } from './vocabulary.js';

const code = (c: string) => `\`${c}\``;
const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : '—');

/**
 * The vocabulary as README tables (between `<!-- vocabulary:start -->` and `<!-- vocabulary:end -->`;
 * a unit test keeps the README equal to this, `npm run docs:vocabulary` rewrites it).
 */
export function vocabularyMarkdown(): string {
  const allergens = [
    '| code | label | contains | other spellings | source |',
    '|---|---|---|---|---|',
    ...ALLERGEN_ENTRIES.map(
      (e) =>
        `| ${e.parent ? '↳ ' : ''}${code(e.code)} | ${e.label} | ${list(allergenChildren(e.code).map(code))} | ${list(e.synonyms)} | ${e.sources.join('; ')} |`,
    ),
  ];
  const tags = [
    '| code | label | implies | dropped when the product declares | other spellings |',
    '|---|---|---|---|---|',
    ...DIET_TAG_ENTRIES.map(
      (e) =>
        `| ${code(e.code)} | ${e.label} | ${list(e.implies.map(code))} | ${list(e.contradictedBy.map(code))} | ${list(e.synonyms)} |`,
    ),
  ];
  return [
    '<!-- vocabulary:start (generated from libs/food-vocabulary: npm run docs:vocabulary) -->',
    '<details><summary>Allergens: every code, what it contains, its other spellings, where it comes from</summary>',
    '',
    ...allergens,
    '',
    '</details>',
    '',
    '<details><summary>Diet tags: every code, what it implies, what contradicts it, its other spellings</summary>',
    '',
    ...tags,
    '',
    '</details>',
    '<!-- vocabulary:end -->',
  ].join('\n');
}
