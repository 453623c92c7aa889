import { PRODUCT_FIELDS, productCodes, type Nutrient, type ProductField } from '#libs/catalogue';
import type { Product } from '#libs/catalogue';

/**
 * A deterministic, realistic-looking product catalogue: names built from flavours, qualities and
 * category nouns, a long tail of brands, descriptions whose words follow a Zipf distribution (a
 * few words are everywhere, most are rare — the shape that makes full-text search hard), nutrients
 * that are plausible for the category, and tags/allergens that agree with the ingredients.
 * Used by `seed:demo`, `seed:scale`, the search benchmark and the ingestion benchmark.
 */
/** A generated product: every field, but only the nutrients the generator knows (a new one is left empty). */
export type GeneratedProduct = {
  [K in Exclude<ProductField, Nutrient> | 'external_id']: NonNullable<Product[K]>;
} & Partial<Record<Nutrient, number>>;

/** Small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Category {
  name: string;
  nouns: string[];
  kcal: [number, number];
  protein: number;
  fat: number;
  sugar: number;
  serving: [number, number];
  price: [number, number];
}

export const CATEGORIES: Category[] = [
  c(
    'snacks',
    ['chips', 'crackers', 'pretzels', 'popcorn', 'bites', 'crisps', 'puffs'],
    [90, 220],
    0.1,
    0.35,
    0.1,
    [20, 45],
    [199, 699],
  ),
  c(
    'bars',
    ['protein bar', 'granola bar', 'energy bar', 'nut bar', 'oat bar'],
    [150, 280],
    0.25,
    0.3,
    0.3,
    [40, 65],
    [149, 399],
  ),
  c(
    'beverages',
    ['juice', 'sparkling water', 'iced tea', 'smoothie', 'kombucha', 'lemonade', 'cold brew'],
    [0, 180],
    0.02,
    0.02,
    0.8,
    [240, 500],
    [99, 599],
  ),
  c(
    'dairy',
    ['yogurt', 'milk', 'cheese', 'kefir', 'cottage cheese', 'butter', 'cream'],
    [60, 200],
    0.3,
    0.4,
    0.2,
    [30, 250],
    [149, 899],
  ),
  c(
    'plant-based',
    ['oat milk', 'almond milk', 'tofu', 'tempeh', 'plant burger', 'vegan cheese'],
    [40, 260],
    0.3,
    0.35,
    0.1,
    [80, 250],
    [249, 799],
  ),
  c(
    'bakery',
    ['bread', 'bagels', 'muffins', 'croissants', 'tortillas', 'sourdough loaf', 'rolls'],
    [120, 320],
    0.12,
    0.15,
    0.12,
    [40, 90],
    [199, 699],
  ),
  c(
    'breakfast',
    ['cereal', 'granola', 'oatmeal', 'pancake mix', 'muesli', 'waffles'],
    [110, 260],
    0.12,
    0.15,
    0.25,
    [30, 60],
    [249, 799],
  ),
  c(
    'frozen',
    ['pizza', 'dumplings', 'burrito', 'ice cream', 'vegetables', 'meal bowl', 'waffles'],
    [150, 450],
    0.18,
    0.35,
    0.15,
    [100, 350],
    [299, 1199],
  ),
  c(
    'meat',
    ['chicken breast', 'ground beef', 'turkey slices', 'pork sausage', 'beef jerky', 'bacon'],
    [100, 320],
    0.55,
    0.4,
    0.02,
    [50, 150],
    [399, 1599],
  ),
  c(
    'seafood',
    ['salmon fillet', 'tuna', 'shrimp', 'sardines', 'cod', 'mackerel'],
    [90, 260],
    0.6,
    0.3,
    0.0,
    [80, 150],
    [399, 1899],
  ),
  c(
    'pasta',
    ['spaghetti', 'penne', 'fusilli', 'lasagna sheets', 'ramen', 'rice noodles'],
    [180, 380],
    0.14,
    0.05,
    0.04,
    [56, 100],
    [129, 499],
  ),
  c(
    'pantry',
    ['olive oil', 'peanut butter', 'honey', 'jam', 'rice', 'quinoa', 'lentils', 'chickpeas'],
    [60, 400],
    0.15,
    0.45,
    0.25,
    [15, 100],
    [199, 1499],
  ),
  c(
    'condiments',
    ['ketchup', 'mustard', 'hot sauce', 'salsa', 'dressing', 'mayonnaise', 'soy sauce'],
    [5, 110],
    0.03,
    0.5,
    0.3,
    [15, 30],
    [149, 599],
  ),
  c(
    'sweets',
    ['chocolate', 'cookies', 'candy', 'brownies', 'gummies', 'truffles'],
    [120, 280],
    0.05,
    0.45,
    0.5,
    [25, 50],
    [149, 899],
  ),
  c(
    'supplements',
    ['whey protein', 'collagen powder', 'electrolyte mix', 'greens powder', 'creatine'],
    [10, 160],
    0.7,
    0.05,
    0.05,
    [5, 40],
    [1499, 5999],
  ),
  c(
    'produce',
    ['apples', 'bananas', 'spinach', 'avocados', 'berries', 'carrots', 'kale', 'tomatoes'],
    [10, 160],
    0.08,
    0.1,
    0.35,
    [80, 200],
    [99, 699],
  ),
  c(
    'canned',
    ['soup', 'beans', 'chili', 'tomato sauce', 'coconut milk', 'corn'],
    [60, 260],
    0.2,
    0.2,
    0.12,
    [120, 250],
    [99, 449],
  ),
  c(
    'baby',
    ['puree', 'teething biscuits', 'formula', 'cereal pouch', 'yogurt melts'],
    [20, 140],
    0.1,
    0.2,
    0.3,
    [15, 120],
    [149, 2999],
  ),
];

function c(
  name: string,
  nouns: string[],
  kcal: [number, number],
  protein: number,
  fat: number,
  sugar: number,
  serving: [number, number],
  price: [number, number],
): Category {
  return { name, nouns, kcal, protein, fat, sugar, serving, price };
}

const FLAVOURS = [
  'chocolate',
  'vanilla',
  'strawberry',
  'peanut',
  'almond',
  'coconut',
  'honey',
  'cinnamon',
  'lemon',
  'sea salt',
  'caramel',
  'blueberry',
  'mango',
  'garlic',
  'barbecue',
  'chili',
  'matcha',
  'maple',
  'cheddar',
  'hazelnut',
  'raspberry',
  'ginger',
  'pumpkin spice',
  'smoked paprika',
  'rosemary',
  'sour cream',
  'jalapeno',
  'pistachio',
  'espresso',
  'banana',
  'apple',
  'cherry',
  'pesto',
  'truffle',
  'teriyaki',
  'lime',
  'oat',
  'sesame',
  'turmeric',
  'cranberry',
];
const QUALITIES = [
  'organic',
  'classic',
  'crunchy',
  'original',
  'protein',
  'light',
  'whole grain',
  'keto',
  'vegan',
  'gluten free',
  'low sugar',
  'high fiber',
  'artisan',
  'family size',
  'mini',
  'roasted',
  'spicy',
  'creamy',
  'sugar free',
  'double',
  'wild',
  'ancient grain',
  'sprouted',
  'unsweetened',
  'extra dark',
];
/** Common English food-copy words (drawn Zipf-style: the first words appear in most descriptions). */
const COPY_WORDS = `natural delicious made with real ingredients perfect for snack lunch breakfast dinner
family kids great taste source of protein fiber no artificial flavors colors preservatives rich smooth
crispy fresh simple recipe slow baked small batch sustainably sourced farm grown non gmo certified
heart healthy good energy on the go everyday favorite authentic traditional premium quality hand crafted
packed nutrients vitamins minerals antioxidants balanced satisfying wholesome hearty light refreshing
bold flavor zesty tangy sweet savory salty bright mellow toasted golden tender juicy plump ripe
seasonal harvest pantry staple versatile ready in minutes microwave oven stovetop blend mix shake
pour spread dip top sprinkle enjoy share gather celebrate fuel recover workout morning afternoon
evening weekend picnic travel office school lunchbox party holiday gift treat indulgent guilt free`
  .split(/\s+/)
  .filter(Boolean);
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ra',
  'to',
  'vi',
  'su',
  'ba',
  'de',
  'fo',
  'gu',
  'ha',
  'je',
  'po',
  'ze',
  'qu',
  'xi',
  'wa',
  'yo',
  'ar',
  'el',
  'in',
  'on',
  'ul',
];
const BRAND_SUFFIXES = [
  'Foods',
  'Farms',
  'Kitchen',
  'Co',
  'Organics',
  'Pantry',
  'Naturals',
  'Bakery',
  'Provisions',
  'Harvest',
  'Labs',
  '',
];
const TAGS = [
  'vegan',
  'vegetarian',
  'gluten_free',
  'keto',
  'low_sodium',
  'dairy_free',
  'nut_free',
  'organic',
  'high_protein',
  'low_sugar',
  'paleo',
  'halal',
  'kosher',
  'non_gmo',
];
export const ALLERGENS = [
  'milk',
  'eggs',
  'fish',
  'shellfish',
  'tree_nuts',
  'peanuts',
  'wheat',
  'soy',
  'sesame',
];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

/** Index in [0, n) with probability ∝ 1/(i+1)^s (Zipf), via a precomputed CDF. */
function zipfSampler(n: number, s: number): (rand: () => number) => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cdf[i] = total += 1 / Math.pow(i + 1, s);
  return (rand) => {
    const x = rand() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function syllableWord(rand: () => number, parts: number): string {
  let w = '';
  for (let i = 0; i < parts; i++) w += pick(rand, SYLLABLES);
  return w;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export class CatalogueGenerator {
  private readonly rand: () => number;
  private readonly brands: string[];
  private readonly vocabulary: string[];
  private readonly word: (rand: () => number) => number;
  private readonly brand: (rand: () => number) => number;

  constructor(seed = 42) {
    this.rand = prng(seed);
    const vocabRand = prng(7);
    // The vocabulary: common copy words first, then a long tail of rare invented words.
    const tail = new Set<string>();
    while (tail.size < 20_000) tail.add(syllableWord(vocabRand, 3 + Math.floor(vocabRand() * 2)));
    this.vocabulary = [...COPY_WORDS, ...tail];
    this.word = zipfSampler(this.vocabulary.length, 1.05);
    const brands = new Set<string>();
    while (brands.size < 3000) {
      const base = syllableWord(vocabRand, 2 + Math.floor(vocabRand() * 2));
      const suffix = pick(vocabRand, BRAND_SUFFIXES);
      brands.add(`${base[0]!.toUpperCase()}${base.slice(1)}${suffix ? ` ${suffix}` : ''}`);
    }
    this.brands = [...brands];
    this.brand = zipfSampler(this.brands.length, 0.9);
  }

  product(index: number, prefix = 'SKU'): GeneratedProduct {
    const r = this.rand;
    const cat = CATEGORIES[Math.floor(Math.pow(r(), 1.3) * CATEGORIES.length)] as Category;
    const noun = pick(r, cat.nouns);
    const flavour = r() < 0.7 ? pick(r, FLAVOURS) : '';
    const quality = r() < 0.55 ? pick(r, QUALITIES) : '';
    const brand = this.brands[this.brand(r)] as string;
    const name = [quality, flavour, noun].filter(Boolean).join(' ');
    const words: string[] = [];
    const n = 12 + Math.floor(r() * 28);
    for (let i = 0; i < n; i++) words.push(this.vocabulary[this.word(r)] as string);
    const description = `${capitalise(name)} from ${brand}. ${capitalise(words.join(' '))}.`;

    const serving = Math.round(cat.serving[0] + r() * (cat.serving[1] - cat.serving[0]));
    const kcal = Math.round(cat.kcal[0] + r() * (cat.kcal[1] - cat.kcal[0]));
    const protein = round1(((kcal * cat.protein) / 4) * (0.6 + r() * 0.8));
    const fat = round1(((kcal * cat.fat) / 9) * (0.6 + r() * 0.8));
    const carbs = round1(Math.max(0, (kcal - protein * 4 - fat * 9) / 4));
    const sugar = round1(Math.min(carbs, carbs * cat.sugar * (0.5 + r())));
    const fiber = round1(Math.min(carbs - sugar, carbs * 0.15 * r()));
    const sodium = Math.round(
      Math.pow(r(), 2) * (cat.name === 'condiments' || cat.name === 'canned' ? 900 : 450),
    );

    const allergens = ALLERGENS.filter(() => r() < 0.12);
    if (flavour === 'peanut' && !allergens.includes('peanuts')) allergens.push('peanuts');
    if (
      (flavour === 'almond' || flavour === 'hazelnut' || flavour === 'pistachio') &&
      !allergens.includes('tree_nuts')
    )
      allergens.push('tree_nuts');
    if ((cat.name === 'dairy' || flavour === 'cheddar') && !allergens.includes('milk'))
      allergens.push('milk');
    const tags = TAGS.filter(() => r() < 0.15).filter(
      (t) =>
        !(
          t === 'vegan' &&
          (allergens.includes('milk') || allergens.includes('eggs') || cat.name === 'meat')
        ) &&
        !(t === 'dairy_free' && allergens.includes('milk')) &&
        !(t === 'nut_free' && (allergens.includes('peanuts') || allergens.includes('tree_nuts'))) &&
        !(t === 'gluten_free' && allergens.includes('wheat')),
    );
    if (quality === 'organic' && !tags.includes('organic')) tags.push('organic');
    if (sodium < 140 && !tags.includes('low_sodium') && r() < 0.5) tags.push('low_sodium');

    const ingredients = [noun, flavour, ...allergens.map((a) => a.replace('_', ' ')), 'salt']
      .filter(Boolean)
      .join(', ');
    return {
      external_id: `${prefix}-${String(index).padStart(8, '0')}`,
      name: capitalise(name),
      brand,
      description,
      category: cat.name,
      price_cents: Math.round(cat.price[0] + r() * (cat.price[1] - cat.price[0])),
      currency: 'USD',
      calories: kcal,
      protein_g: protein,
      fat_g: fat,
      carbs_g: carbs,
      sugar_g: sugar,
      fiber_g: fiber,
      sodium_mg: sodium,
      potassium_mg: Math.round(r() * 500),
      saturated_fat_g: round1(fat * (0.1 + r() * 0.4)),
      serving_size_g: serving,
      nutrient_basis: 'per_serving',
      // as every write stores them: canonical, implied tags added, contradicted ones dropped
      ...storedCodes(allergens, tags),
      ingredients,
      gtin: gtin(index),
      in_stock: r() < 0.9,
    };
  }
}

function storedCodes(allergens: string[], tags: string[]): { allergens: string[]; dietary_tags: string[] } {
  const codes = productCodes(allergens, tags);
  return { allergens: codes.allergens, dietary_tags: codes.dietary_tags };
}

function capitalise(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** A valid GTIN-13 (check digit computed) derived from the index. */
function gtin(index: number): string {
  const body = `20${String(index).padStart(10, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + String((10 - (sum % 10)) % 10);
}

/** The seed's CSV columns: every writable product field (nutrients.ts declares the nutrients) but the basis. */
export const PRODUCT_COLUMNS = [
  'external_id',
  ...PRODUCT_FIELDS.filter((f) => f !== 'nutrient_basis'),
] as const;

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * One CSV line. `arrays: 'pg'` writes Postgres array literals (for COPY into the live table);
 * `'list'` writes the human form a vendor would upload (`vegan|organic`).
 */
export function productCsvLine(p: GeneratedProduct, arrays: 'pg' | 'list' = 'list'): string {
  return (
    PRODUCT_COLUMNS.map((col) => {
      const v = p[col as keyof GeneratedProduct];
      if (v === undefined) return '';
      if (Array.isArray(v)) return csvField(arrays === 'pg' ? `{${v.join(',')}}` : v.join('|'));
      return csvField(String(v));
    }).join(',') + '\n'
  );
}
