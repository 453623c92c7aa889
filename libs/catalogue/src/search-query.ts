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
