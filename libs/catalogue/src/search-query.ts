/**
 * Turns what a shopper types into a Postgres tsquery string: words only (no operators reach the
 * parser, so any input is safe), at most 8, the last one as a prefix (`choc` finds chocolate) once
 * it has two characters. `all` joins with AND; `any` (the fallback when AND finds nothing) with OR.
 * Stemming and stop words are applied by to_tsquery('english', …).
 */
export function toTsQuery(q: string, match: 'all' | 'any'): string | null {
  const words = (
    q
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).slice(0, 8);
  if (words.length === 0) return null;
  const last = words.length - 1;
  return words
    .map((w, i) => (i === last && w.length >= 2 ? `${w}:*` : w))
    .join(match === 'all' ? ' & ' : ' | ');
}

export function termCount(q: string): number {
  return (q.match(/[\p{L}\p{N}]+/gu) ?? []).length;
}

/**
 * What allergen_lexemes (catalogue.functions.ts) makes of `codes`, each negated, as tsquery text:
 * `!'~peanuts' & !'~tree_nuts'` (quoted: `''` is a quote, `\\` a backslash). The codes it leaves
 * out of the index are left out here too. Null when there is nothing to exclude.
 */
export function allergenExclusionQuery(codes: readonly string[]): string | null {
  const kept = codes.filter((c) => c.length > 0 && Buffer.byteLength(c) <= 1000);
  if (kept.length === 0) return null;
  return kept.map((c) => `!'~${c.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(' & ');
}

/**
 * The whole words of a conjunction with prefixes (`oat & milk:*` → `oat`): a condition every
 * match of `tsquery` meets, without the prefixes, which a GIN index answers by skipping through
 * its posting lists instead of gathering every product under each word the prefix begins
 * (SearchRepository). Null when there is no such part: nothing is a prefix, everything is, or the
 * query is not a plain conjunction of terms.
 */
export function wholeWordsOf(tsquery: string): string | null {
  if (/[|!()<]/.test(tsquery)) return null;
  const terms = tsquery.split(' & ');
  const whole = terms.filter((t) => !t.endsWith(':*'));
  return whole.length > 0 && whole.length < terms.length ? whole.join(' & ') : null;
}
