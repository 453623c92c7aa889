import { NUTRIENTS, type Nutrient, type ProductRow } from './product.types.js';

export interface ComparedProduct {
  id: string;
  external_id: string;
  name: string;
  brand: string | null;
  serving_size_g: number | null;
  price_cents: number | null;
  currency: string;
  per_serving: Record<Nutrient, number | null>;
  /** null when the serving size is unknown. */
  per_100g: Record<Nutrient, number | null> | null;
  /** Price (in cents) of the amount that holds 10 g of protein; null without price or protein. */
  price_per_10g_protein_cents: number | null;
}

const round = (x: number, places = 2) => Math.round(x * 10 ** places) / 10 ** places;

/** Side-by-side figures for products: per serving, per 100 g, and price per 10 g of protein. */
export function compareProducts(products: ProductRow[]): ComparedProduct[] {
  return products.map((p) => {
    const perServing = Object.fromEntries(NUTRIENTS.map((n) => [n, p[n]])) as Record<Nutrient, number | null>;
    const serving = p.serving_size_g;
    const per100 =
      serving && serving > 0
        ? (Object.fromEntries(
            NUTRIENTS.map((n) => [n, p[n] === null ? null : round((p[n] * 100) / serving)]),
          ) as Record<Nutrient, number | null>)
        : null;
    const pricePerProtein =
      p.price_cents !== null && p.protein_g !== null && p.protein_g > 0
        ? round((p.price_cents * 10) / p.protein_g)
        : null;
    return {
      id: p.id,
      external_id: p.external_id,
      name: p.name,
      brand: p.brand,
      serving_size_g: serving,
      price_cents: p.price_cents,
      currency: p.currency,
      per_serving: perServing,
      per_100g: per100,
      price_per_10g_protein_cents: pricePerProtein,
    };
  });
}
