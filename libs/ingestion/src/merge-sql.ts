import type { ColumnMapping } from './fields.js';
import { targetColumns } from './sql.js';

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const row = (alias: string, cols: string[]) => `(${cols.map((c) => `${alias}.${c}`).join(', ')})`;

/**
 * One batch of products (typed rows with $1 ≤ line_no < $2) into the live catalogue: rows that
 * would change nothing are filtered out before the upsert (so they are neither written nor
 * locked); the upsert's own WHERE covers a concurrent writer. Returns inserted/updated/total.
 */
export function productsBatchSql(typed: string, vendorId: string, mapping: ColumnMapping): string {
  const cols = ['external_id', ...targetColumns(mapping).map((t) => t.column)];
  const v = `${lit(vendorId)}::uuid`;
  return `WITH src AS (SELECT * FROM ${typed} WHERE line_no >= $1 AND line_no < $2),
    cand AS (
      SELECT s.*, x.id IS NOT NULL AS existed FROM src s
        LEFT JOIN products x ON x.vendor_id = ${v} AND x.id = s.id
       WHERE x.id IS NULL OR ${row('x', cols)} IS DISTINCT FROM ${row('s', cols)}),
    up AS (
      INSERT INTO products AS p (vendor_id, id, ${cols.join(', ')})
      SELECT ${v}, c.id, ${cols.map((c) => `c.${c}`).join(', ')} FROM cand c
      ON CONFLICT (vendor_id, id) DO UPDATE SET ${cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
       WHERE ${row('p', cols)} IS DISTINCT FROM ${row('EXCLUDED', cols)}
      RETURNING id)
    SELECT count(*) FILTER (WHERE NOT c.existed)::int AS inserted, count(*) FILTER (WHERE c.existed)::int AS updated,
           (SELECT count(*) FROM src)::int AS total
      FROM up JOIN cand c USING (id)`;
}

/** Columns every products insert of a first load writes (the load table gets them all). */
export function productsLoadSql(
  typed: string,
  load: string,
  vendorId: string,
  mapping: ColumnMapping,
  part: number,
  parts: number,
): string {
  const cols = ['external_id', ...targetColumns(mapping).map((t) => t.column)];
  return `INSERT INTO ${load} (vendor_id, id, ${cols.join(', ')})
    SELECT ${lit(vendorId)}::uuid, id, ${cols.join(', ')} FROM ${typed}${parts > 1 ? ` WHERE line_no % ${parts} = ${part}` : ''}`;
}
