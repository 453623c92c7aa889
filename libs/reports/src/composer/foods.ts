/**
 * The foods the composer may put in lists, plans and grocery lists, tagged with what can rule
 * them out: allergens, dairy kind, diet, and the budget tier they suit.
 */
export type FoodGroup =
  'ruminant' | 'pork' | 'poultry' | 'fish' | 'shellfish' | 'eggs' | 'dairy' | 'fat' | 'organ' | 'plant';

export interface Food {
  name: string;
  group: FoodGroup;
  /** Allergen codes of the vocabulary (libs/food-vocabulary): an allergy to one, or to its group, excludes it. */
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
  { name: 'wild salmon', group: 'fish', allergens: ['salmon'], diets: [...ALL], budget: 'premium' },
  { name: 'canned sardines', group: 'fish', allergens: ['sardine'], diets: [...ALL], budget: 'budget' },
  { name: 'mackerel', group: 'fish', allergens: ['mackerel'], diets: [...ALL], budget: 'moderate' },
  { name: 'shrimp', group: 'shellfish', allergens: ['shrimp'], diets: [...ALL], budget: 'moderate' },
  { name: 'oysters', group: 'shellfish', allergens: ['oyster'], diets: [...ALL], budget: 'premium' },
  { name: 'eggs', group: 'eggs', allergens: ['eggs'], diets: [...ALL], budget: 'budget' },
  { name: 'pasture-raised eggs', group: 'eggs', allergens: ['eggs'], diets: [...ALL], budget: 'premium' },
  {
    name: 'butter',
    group: 'dairy',
    allergens: ['milk'],
    dairy: 'butter',
    diets: [...ALL],
    budget: 'budget',
  },
  {
    name: 'ghee',
    group: 'dairy',
    allergens: ['milk'],
    dairy: 'butter',
    diets: [...ALL],
    budget: 'moderate',
  },
  {
    name: 'aged cheddar',
    group: 'dairy',
    allergens: ['milk'],
    dairy: 'cheese',
    diets: [...ALL],
    budget: 'moderate',
  },
  {
    name: 'heavy cream',
    group: 'dairy',
    allergens: ['milk'],
    dairy: 'cream',
    diets: [...ALL],
    budget: 'budget',
  },
  {
    name: 'whole milk',
    group: 'dairy',
    allergens: ['milk'],
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
    allergens: ['macadamia'],
    diets: [...LOW_CARB_PLANTS],
    budget: 'premium',
  },
];

/** Dairy words excluded by "butter only" (butter and ghee stay). */
export const NON_BUTTER_DAIRY_TERMS = ['cheese', 'cheddar', 'cream', 'milk', 'yogurt', 'kefir'];
