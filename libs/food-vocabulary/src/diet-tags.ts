/**
 * The diet-tag vocabulary: canonical codes, the spellings vendors use, what a tag implies (a vegan
 * product is vegetarian) and the allergens that contradict it (a product declaring wheat is not
 * gluten-free, whatever its tags say). A contradicted tag is not stored: matching never trusts it.
 */
export interface DietTagEntry {
  code: string;
  label: string;
  synonyms: readonly string[];
  /** Tags this one implies: stored with it, so a preference for one is met by the other. */
  implies: readonly string[];
  /** Allergen codes (their groups' members included) a product with this tag cannot declare. */
  contradictedBy: readonly string[];
}

const ANIMAL = ['fish', 'shellfish', 'beef', 'pork'] as const;

export const DIET_TAG_ENTRIES: readonly DietTagEntry[] = [
  {
    code: 'vegan',
    label: 'Vegan',
    synonyms: ['vegan_friendly', 'suitable_for_vegans', 'fully_vegan'],
    implies: ['vegetarian', 'dairy_free', 'egg_free'],
    contradictedBy: [...ANIMAL, 'milk', 'eggs'],
  },
  {
    code: 'vegetarian',
    label: 'Vegetarian',
    synonyms: [
      'veggie',
      'suitable_for_vegetarians',
      'lacto_ovo_vegetarian',
      'ovo_lacto_vegetarian',
      'vegetarian_friendly',
    ],
    implies: [],
    contradictedBy: [...ANIMAL],
  },
  {
    code: 'gluten_free',
    label: 'Gluten-free',
    synonyms: ['gf', 'glutenfree', 'no_gluten', 'sans_gluten', 'without_gluten'],
    implies: [],
    contradictedBy: ['gluten_cereals'],
  },
  {
    code: 'dairy_free',
    label: 'Dairy-free',
    synonyms: ['milk_free', 'non_dairy', 'no_dairy', 'nondairy', 'dairyfree'],
    implies: [],
    contradictedBy: ['milk'],
  },
  {
    code: 'lactose_free',
    label: 'Lactose-free',
    synonyms: ['lactosefree', 'no_lactose'],
    implies: [],
    contradictedBy: [],
  },
  {
    code: 'egg_free',
    label: 'Egg-free',
    synonyms: ['eggfree', 'no_eggs', 'no_egg'],
    implies: [],
    contradictedBy: ['eggs'],
  },
  {
    code: 'nut_free',
    label: 'Nut-free',
    synonyms: ['nutfree', 'no_nuts', 'tree_nut_free'],
    implies: ['peanut_free'],
    contradictedBy: ['tree_nuts', 'peanuts'],
  },
  {
    code: 'peanut_free',
    label: 'Peanut-free',
    synonyms: ['peanutfree', 'no_peanuts'],
    implies: [],
    contradictedBy: ['peanuts'],
  },
  {
    code: 'soy_free',
    label: 'Soy-free',
    synonyms: ['soya_free', 'no_soy'],
    implies: [],
    contradictedBy: ['soy'],
  },
  {
    code: 'keto',
    label: 'Keto',
    synonyms: ['ketogenic', 'keto_friendly'],
    implies: ['low_carb'],
    contradictedBy: [],
  },
  {
    code: 'low_carb',
    label: 'Low carb',
    synonyms: ['lowcarb', 'low_carbohydrate'],
    implies: [],
    contradictedBy: [],
  },
  {
    code: 'paleo',
    label: 'Paleo',
    synonyms: ['paleo_friendly', 'paleolithic'],
    implies: [],
    contradictedBy: [],
  },
  {
    code: 'carnivore',
    label: 'Carnivore',
    synonyms: ['carnivore_friendly', 'animal_based'],
    implies: [],
    contradictedBy: [],
  },
  {
    code: 'high_protein',
    label: 'High protein',
    synonyms: ['protein_rich', 'high_in_protein', 'source_of_protein'],
    implies: [],
    contradictedBy: [],
  },
  { code: 'low_sugar', label: 'Low sugar', synonyms: ['reduced_sugar'], implies: [], contradictedBy: [] },
  {
    code: 'sugar_free',
    label: 'Sugar-free',
    synonyms: ['sugarfree', 'no_sugar', 'zero_sugar'],
    implies: ['low_sugar'],
    contradictedBy: [],
  },
  {
    code: 'low_sodium',
    label: 'Low sodium',
    synonyms: ['low_salt', 'reduced_sodium'],
    implies: [],
    contradictedBy: [],
  },
  { code: 'low_fat', label: 'Low fat', synonyms: ['lowfat', 'reduced_fat'], implies: [], contradictedBy: [] },
  {
    code: 'high_fibre',
    label: 'High fibre',
    synonyms: ['high_fiber', 'fibre_rich', 'fiber_rich', 'source_of_fibre', 'source_of_fiber'],
    implies: [],
    contradictedBy: [],
  },
  {
    code: 'organic',
    label: 'Organic',
    synonyms: ['bio', 'certified_organic'],
    implies: [],
    contradictedBy: [],
  },
  { code: 'kosher', label: 'Kosher', synonyms: [], implies: [], contradictedBy: ['pork', 'shellfish'] },
  { code: 'halal', label: 'Halal', synonyms: [], implies: [], contradictedBy: ['pork'] },
  {
    code: 'high_purine',
    label: 'High in purines',
    synonyms: ['purine_rich'],
    implies: [],
    contradictedBy: [],
  },
  { code: 'whole30', label: 'Whole30', synonyms: ['whole_30'], implies: [], contradictedBy: [] },
];
