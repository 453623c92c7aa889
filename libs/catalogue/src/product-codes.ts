import { normaliseAllergens, normaliseDietTags } from '#libs/food-vocabulary';

/** Something a product's codes needed the reader to know: kept as written, or dropped as untrue. */
export interface CodeWarning {
  field: 'allergens' | 'dietary_tags';
  code: string;
  reason: 'unknown_allergen' | 'unknown_diet_tag' | 'contradicted_tag';
  message: string;
}

/**
 * A product's allergens and diet tags as stored: canonical codes (an unknown allergen kept in code
 * form — never dropped), the tags' implications added (vegan → vegetarian), the tags its allergens
 * contradict removed (gluten_free with wheat). The same for an API write and a CSV line.
 */
export function productCodes(
  allergensGiven: readonly string[],
  tagsGiven: readonly string[],
): { allergens: string[]; dietary_tags: string[]; warnings: CodeWarning[] } {
  const allergens = normaliseAllergens(allergensGiven);
  const tags = normaliseDietTags(tagsGiven, allergens.codes);
  const warnings: CodeWarning[] = [
    ...allergens.unknown.map((code): CodeWarning => ({
      field: 'allergens',
      code,
      reason: 'unknown_allergen',
      message: `"${code}" is not in the allergen vocabulary: kept as written, matched only by that code`,
    })),
    ...tags.unknown.map((code): CodeWarning => ({
      field: 'dietary_tags',
      code,
      reason: 'unknown_diet_tag',
      message: `"${code}" is not in the diet-tag vocabulary: kept as written`,
    })),
    ...tags.contradicted.map(({ tag, allergen }): CodeWarning => ({
      field: 'dietary_tags',
      code: tag,
      reason: 'contradicted_tag',
      message: `${tag} dropped: the product declares ${allergen}`,
    })),
  ];
  return { allergens: allergens.codes, dietary_tags: tags.codes, warnings };
}
