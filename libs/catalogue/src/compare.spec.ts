import { compareProducts } from './compare.js';
import type { ProductRow } from './product.types.js';

const base: ProductRow = {
  id: 'a',
  external_id: 'A',
  name: 'Bar',
  brand: null,
  description: null,
  category: 'bars',
  nutrient_basis: 'per_serving',
  price_cents: 250,
  currency: 'USD',
  calories: 200,
  protein_g: 20,
  fat_g: 8,
  carbs_g: 15,
  sugar_g: 3,
  fiber_g: 5,
  sodium_mg: 150,
  potassium_mg: null,
  saturated_fat_g: 2,
  serving_size_g: 50,
  dietary_tags: [],
  allergens: [],
  ingredients: null,
  gtin: null,
  in_stock: true,
  created_at: new Date(0),
  updated_at: new Date(0),
};

describe('compareProducts', () => {
  it('scales per serving to per 100 g and prices 10 g of protein', () => {
    const [c] = compareProducts([base]);
    expect(c!.per_serving.protein_g).toBe(20);
    expect(c!.per_100g).toMatchObject({ calories: 400, protein_g: 40, sodium_mg: 300, potassium_mg: null });
    expect(c!.price_per_10g_protein_cents).toBe(125);
  });

  it('leaves per 100 g and price per protein empty when they cannot be known', () => {
    const [c] = compareProducts([{ ...base, serving_size_g: null, protein_g: 0 }]);
    expect(c!.per_100g).toBeNull();
    expect(c!.price_per_10g_protein_cents).toBeNull();
    const [d] = compareProducts([{ ...base, price_cents: null }]);
    expect(d!.price_per_10g_protein_cents).toBeNull();
  });
});
