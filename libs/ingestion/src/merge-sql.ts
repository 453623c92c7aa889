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

const IDENTITY = ['email', 'first_name', 'last_name'];
const HEALTH_TYPES: Record<string, string> = {
  sex: 'text',
  birth_date: 'date',
  age: 'smallint',
  height_cm: 'real',
  weight_kg: 'real',
  activity_level: 'text',
  conditions: 'text[]',
};

/** The tables a customers file writes: identity always, health when it has a health column. */
export function customerTables(mapping: ColumnMapping): string[] {
  const health = targetColumns(mapping).some((t) => !IDENTITY.includes(t.column));
  return health ? ['customers', 'customer_health'] : ['customers'];
}

/** Per-job table of the derived limits of each distinct set of conditions in the file. */
export function customerLimitsSql(
  typed: string,
  limits: string,
  vendorId: string,
  mapping: ColumnMapping,
): string | null {
  if (!targetColumns(mapping).some((t) => t.column === 'conditions')) return null;
  return `CREATE UNLOGGED TABLE ${limits} AS
    SELECT conditions, derive_limits(${lit(vendorId)}::uuid, conditions) AS derived_limits
      FROM (SELECT DISTINCT conditions FROM ${typed}) c`;
}

/**
 * One batch of customers: identity into `customers`, health into `customer_health` with BMR,
 * TDEE and derived limits recomputed in the same statement (set-based, the SQL functions the
 * API uses). A column absent from the file keeps its stored value; the derivations then combine
 * stored and new values.
 */
export function customersBatchSql(
  typed: string,
  limits: string,
  vendorId: string,
  mapping: ColumnMapping,
): string {
  const v = `${lit(vendorId)}::uuid`;
  const cols = targetColumns(mapping).map((t) => t.column);
  const idCols = ['external_id', ...cols.filter((c) => IDENTITY.includes(c))];
  const hCols = cols.filter((c) => !IDENTITY.includes(c));
  const has = (c: string) => hCols.includes(c);
  const src = (c: string) =>
    has(c) ? (c === 'age' ? `s.age::smallint` : `s.${c}`) : `NULL::${HEALTH_TYPES[c]}`;
  const pick = (c: string) => (has(c) ? `EXCLUDED.${c}` : `h.${c}`);
  const bmr = (f: (c: string) => string) =>
    `mifflin_st_jeor(${f('sex')}, ${f('weight_kg')}, ${f('height_cm')}, age_on(${f('birth_date')}, ${f('age')}, current_date))`;
  const healthChanged =
    hCols.length === 0
      ? ''
      : ` OR NOT EXISTS (SELECT 1 FROM customer_health h WHERE h.vendor_id = ${v} AND h.customer_id = s.id
                          AND ${row('h', hCols)} IS NOT DISTINCT FROM ${row('s', hCols)})`;
  const health =
    hCols.length === 0
      ? ''
      : `,
    hi AS (
      INSERT INTO customer_health AS h (vendor_id, customer_id, ${hCols.join(', ')}, bmr, tdee_cached, derived_limits, derived_at, updated_at)
      SELECT ${v}, s.id, ${hCols.map(src).join(', ')}, b.bmr, (b.bmr * activity_factor(${src('activity_level')}))::real,
             ${has('conditions') ? `l.derived_limits` : `(SELECT derive_limits(${v}, '{}'))`}, now(), now()
        FROM changed s${has('conditions') ? ` LEFT JOIN ${limits} l ON l.conditions = s.conditions` : ''},
             LATERAL (SELECT ${bmr(src)} AS bmr) b
      ON CONFLICT (vendor_id, customer_id) DO UPDATE SET ${hCols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
         bmr = ${bmr(pick)}, tdee_cached = (${bmr(pick)} * activity_factor(${pick('activity_level')}))::real,
         derived_limits = ${has('conditions') ? 'EXCLUDED.derived_limits' : 'h.derived_limits'}, derived_at = now(), updated_at = now()
       WHERE ${row('h', hCols)} IS DISTINCT FROM ${row('EXCLUDED', hCols)}
      RETURNING 1)`;
  return `WITH src AS (SELECT * FROM ${typed} WHERE line_no >= $1 AND line_no < $2),
    changed AS (
      SELECT s.*, EXISTS (SELECT 1 FROM customers c WHERE c.vendor_id = ${v} AND c.id = s.id) AS existed FROM src s
       WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.vendor_id = ${v} AND c.id = s.id
                           AND ${row('c', idCols)} IS NOT DISTINCT FROM ${row('s', idCols)})${healthChanged}),
    ci AS (
      INSERT INTO customers AS c (vendor_id, id, ${idCols.join(', ')})
      SELECT ${v}, s.id, ${idCols.map((c) => `s.${c}`).join(', ')} FROM changed s
      ON CONFLICT (vendor_id, id) DO UPDATE SET ${idCols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
       WHERE ${row('c', idCols)} IS DISTINCT FROM ${row('EXCLUDED', idCols)}
      RETURNING id)${health}
    SELECT (SELECT count(*) FROM changed WHERE NOT existed)::int AS inserted,
           (SELECT count(*) FROM changed WHERE existed)::int AS updated, (SELECT count(*) FROM ci)::int AS identity,
           (SELECT count(*) FROM src)::int AS total${hCols.length ? ', (SELECT count(*) FROM hi)::int AS health' : ''}`;
}
