/** Rounds to an integer, ties to even (PostgreSQL's round(double precision), which is rint()). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * A value as the catalogue figures keep it (figure-counts.sql.ts): to 3 significant figures, in
 * double precision as the database computes it — scaled by an exact power of ten, rounded ties to
 * even, scaled back. A reference computation of a median or a benchmark rounds each value so.
 */
export function threeFigures(v: number): number {
  if (v === 0) return 0;
  const e = Math.floor(Math.log10(v));
  return e >= 2
    ? roundHalfEven(v / 10 ** (e - 2)) * 10 ** (e - 2)
    : roundHalfEven(v * 10 ** (2 - e)) / 10 ** (2 - e);
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
