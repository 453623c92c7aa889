/**
 * A value as the catalogue figures keep it (figure-counts.sql.ts): to 3 significant figures,
 * rounded half away from zero on its 15-digit decimal form — as PostgreSQL rounds a float8 cast to
 * numeric. A reference computation of a median or a benchmark rounds each product's value so.
 */
export function threeFigures(v: number): number {
  if (v === 0) return 0;
  const [mantissa, exponent] = v.toExponential(14).split('e') as [string, string];
  const digits = mantissa.replace('-', '').replace('.', '');
  const n = Number(digits.slice(0, 3)) + (Number(digits[3]) >= 5 ? 1 : 0);
  const e = Number(exponent) - 2;
  return (v < 0 ? -1 : 1) * (e >= 0 ? n * 10 ** e : n / 10 ** -e);
}

/** A `real` column's value as PostgreSQL stores it (single precision), for arithmetic as the database does it. */
export const real = (v: number): number => Math.fround(v);

/** Each benchmark metric of a product, as the database computes it before rounding. */
export const metricOf = {
  price_per_100g: (p: { price_cents: number; serving_size_g: number }) =>
    (p.price_cents * 100) / real(p.serving_size_g),
  price_per_10g_protein: (p: { price_cents: number; protein_g: number }) =>
    (p.price_cents * 10) / real(p.protein_g),
  protein_per_100kcal: (p: { protein_g: number; calories: number }) =>
    (real(p.protein_g) * 100) / real(p.calories),
  sodium_per_serving: (p: { sodium_mg: number }) => real(p.sodium_mg),
};
