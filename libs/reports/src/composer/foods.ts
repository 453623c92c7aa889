/**
 * The foods the composer may put in lists, plans and grocery lists, tagged with what can rule
 * them out: allergens, dairy kind, diet, and the budget tier they suit.
 */
export type FoodGroup =
  'ruminant' | 'pork' | 'poultry' | 'fish' | 'shellfish' | 'eggs' | 'dairy' | 'fat' | 'organ' | 'plant';

export interface Food {
  name: string;
  group: FoodGroup;
  /** Allergy codes (the calculator's) that exclude it. */
  allergens: string[];
  /** butter and ghee are tolerated by "butter only"; cheese, cream and milk are not. */
  dairy?: 'butter' | 'cheese' | 'cream' | 'milk';
  /** Diets it belongs to (carnivore foods are in every diet). */
  diets: ('carnivore' | 'keto' | 'paleo' | 'custom')[];
  budget: 'budget' | 'moderate' | 'premium';
}

const ALL = ['carnivore', 'keto', 'paleo', 'custom'] as const;
const LOW_CARB_PLANTS = ['keto', 'paleo', 'custom'] as const;

export const FOODS: Food[] = [
  { name: 'ground beef (80/20)', group: 'ruminant', allergens: ['beef'], diets: [...ALL], budget: 'budget' },
  { name: 'chuck roast', group: 'ruminant', allergens: ['beef'], diets: [...ALL], budget: 'budget' },
  { name: 'ribeye steak', group: 'ruminant', allergens: ['beef'], diets: [...ALL], budget: 'moderate' },
  { name: 'grass-fed ribeye', group: 'ruminant', allergens: ['beef'], diets: [...ALL], budget: 'premium' },
  {
    name: 'grass-fed ground beef',
    group: 'ruminant',
    allergens: ['beef'],
    diets: [...ALL],
    budget: 'premium',
  },
  { name: 'lamb shoulder chops', group: 'ruminant', allergens: [], diets: [...ALL], budget: 'moderate' },
  { name: 'beef liver', group: 'organ', allergens: ['beef'], diets: [...ALL], budget: 'budget' },
  { name: 'chicken hearts', group: 'organ', allergens: [], diets: [...ALL], budget: 'budget' },
  { name: 'bacon', group: 'pork', allergens: ['pork'], diets: [...ALL], budget: 'moderate' },
  { name: 'pork shoulder', group: 'pork', allergens: ['pork'], diets: [...ALL], budget: 'budget' },
  { name: 'pork belly', group: 'pork', allergens: ['pork'], diets: [...ALL], budget: 'moderate' },
  { name: 'chicken thighs (skin on)', group: 'poultry', allergens: [], diets: [...ALL], budget: 'budget' },
  { name: 'whole roast chicken', group: 'poultry', allergens: [], diets: [...ALL], budget: 'budget' },
  { name: 'wild salmon', group: 'fish', allergens: ['fish'], diets: [...ALL], budget: 'premium' },
  { name: 'canned sardines', group: 'fish', allergens: ['fish'], diets: [...ALL], budget: 'budget' },
  { name: 'mackerel', group: 'fish', allergens: ['fish'], diets: [...ALL], budget: 'moderate' },
  { name: 'shrimp', group: 'shellfish', allergens: ['shellfish'], diets: [...ALL], budget: 'moderate' },
  { name: 'oysters', group: 'shellfish', allergens: ['shellfish'], diets: [...ALL], budget: 'premium' },
  { name: 'eggs', group: 'eggs', allergens: ['eggs'], diets: [...ALL], budget: 'budget' },
  { name: 'pasture-raised eggs', group: 'eggs', allergens: ['eggs'], diets: [...ALL], budget: 'premium' },
  {
    name: 'butter',
    group: 'dairy',
    allergens: ['dairy'],
    dairy: 'butter',
    diets: [...ALL],
    budget: 'budget',
  },
  {
    name: 'ghee',
    group: 'dairy',
    allergens: ['dairy'],
    dairy: 'butter',
    diets: [...ALL],
    budget: 'moderate',
  },
  {
    name: 'aged cheddar',
    group: 'dairy',
    allergens: ['dairy'],
    dairy: 'cheese',
    diets: [...ALL],
    budget: 'moderate',
  },
  {
    name: 'heavy cream',
    group: 'dairy',
    allergens: ['dairy'],
    dairy: 'cream',
    diets: [...ALL],
    budget: 'budget',
  },
  {
    name: 'whole milk',
    group: 'dairy',
    allergens: ['dairy'],
    dairy: 'milk',
    diets: ['paleo', 'custom'],
    budget: 'budget',
  },
  { name: 'beef tallow', group: 'fat', allergens: ['beef'], diets: [...ALL], budget: 'budget' },
  { name: 'lard', group: 'fat', allergens: ['pork'], diets: [...ALL], budget: 'budget' },
  { name: 'olive oil', group: 'fat', allergens: [], diets: [...LOW_CARB_PLANTS], budget: 'moderate' },
  { name: 'avocado', group: 'plant', allergens: [], diets: [...LOW_CARB_PLANTS], budget: 'moderate' },
  { name: 'spinach', group: 'plant', allergens: [], diets: [...LOW_CARB_PLANTS], budget: 'budget' },
  { name: 'broccoli', group: 'plant', allergens: [], diets: [...LOW_CARB_PLANTS], budget: 'budget' },
  { name: 'berries', group: 'plant', allergens: [], diets: ['paleo', 'custom'], budget: 'moderate' },
  { name: 'sweet potatoes', group: 'plant', allergens: [], diets: ['paleo', 'custom'], budget: 'budget' },
  {
    name: 'macadamia nuts',
    group: 'plant',
    allergens: ['tree_nuts'],
    diets: [...LOW_CARB_PLANTS],
    budget: 'premium',
  },
];

/**
 * Words that must never appear anywhere in the report for each allergy: the foods themselves and
 * their common names, as regular-expression fragments matched at the start of a word. Also used to
 * check model output.
 */
export const ALLERGY_TERMS: Record<string, string[]> = {
  shellfish: ['shellfish', 'shrimp', 'prawn', 'oyster', 'mussel', 'crab', 'lobster', 'scallop', 'clams?\\b'],
  fish: ['fish', 'salmon', 'sardine', 'mackerel', 'tuna', 'cod\\b', 'anchov', 'herring', 'trout', 'halibut'],
  eggs: ['egg'],
  dairy: ['dairy', 'butter', 'ghee', 'cheese', 'cheddar', 'cream', 'milk', 'yogurt', 'kefir'],
  tree_nuts: ['almond', 'walnut', 'cashew', 'pecan', 'macadamia', 'hazelnut', 'pistachio', 'tree nut'],
  peanuts: ['peanut'],
  soy: ['soy', 'tofu', 'edamame', 'tempeh'],
  wheat: ['wheat', 'bread', 'pasta', 'flour\\b'],
  sesame: ['sesame', 'tahini'],
  pork: ['pork', 'bacon', 'lard', 'ham\\b', 'prosciutto', 'sausage'],
  beef: ['beef', 'steak', 'ribeye', 'chuck', 'tallow', 'brisket', 'bone broth'],
};

/** Dairy words excluded by "butter only" (butter and ghee stay). */
export const NON_BUTTER_DAIRY_TERMS = ['cheese', 'cheddar', 'cream', 'milk', 'yogurt', 'kefir'];
