/**
 * The set-based SQL behind CustomersBulkTarget: a staged relation of customers merged into
 * `customers` and `customer_health` in line ranges, with BMR, TDEE and derived limits computed by
 * the same SQL functions the API's single writes use.
 */

/**
 * A staged import: `table` has one row per customer with `id` (uuid), `line_no`, `external_id`
 * and `columns` (customers/customer_health column names, typed as there); `limits` is a scratch
 * table name for the derived limits of the file's distinct condition sets.
 */
export interface ImportSource {
  table: string;
  limits: string;
  columns: string[];
}

import { HEALTH_FIELDS, healthColumnType } from '../health-columns.js';

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const row = (alias: string, cols: string[]) => `(${cols.map((c) => `${alias}.${c}`).join(', ')})`;

const IDENTITY = ['email', 'first_name', 'last_name'];
/** Each health column's SQL type (the entity's). */
const HEALTH_TYPES: Record<string, string> = Object.fromEntries(
  HEALTH_FIELDS.map((f) => [f, healthColumnType(f)]),
);

/** The tables an import writes: identity always, health when it has a health column. */
export function importedTables(columns: string[]): string[] {
  const health = columns.some((c) => !IDENTITY.includes(c));
  return health ? ['customers', 'customer_health'] : ['customers'];
}

/** Per-job table of the derived limits of each distinct set of conditions in the file. */
export function limitsSql(source: ImportSource, vendorId: string): string | null {
  if (!source.columns.includes('conditions')) return null;
  return `CREATE UNLOGGED TABLE ${source.limits} AS
    SELECT conditions, derive_limits(${lit(vendorId)}::uuid, conditions) AS derived_limits
      FROM (SELECT DISTINCT conditions FROM ${source.table}) c`;
}

/** The columns of a staged import, split by the table they belong to. */
function split(source: ImportSource) {
  const idCols = ['external_id', ...source.columns.filter((c) => IDENTITY.includes(c))];
  const hCols = source.columns.filter((c) => !IDENTITY.includes(c));
  return { idCols, hCols };
}

/** `mifflin_st_jeor` of the values `f` names (a column absent from the file: its stored or a NULL value). */
const bmrOf = (f: (c: string) => string) =>
  `mifflin_st_jeor(${f('sex')}, ${f('weight_kg')}, ${f('height_cm')}, age_on(${f('birth_date')}, ${f('age')}, current_date))`;

/**
 * The health row of staged customers `s` as inserted: the file's health columns, BMR, TDEE and
 * the derived limits of their condition set (from the `limits` table; a file without conditions
 * gets the limits of none) — the INSERT's column list and its SELECT … FROM over `from`.
 */
function healthInsert(source: ImportSource, vendorId: string, from: string) {
  const { hCols } = split(source);
  const v = `${lit(vendorId)}::uuid`;
  const has = (c: string) => hCols.includes(c);
  const src = (c: string) =>
    has(c) ? (c === 'age' ? `s.age::smallint` : `s.${c}`) : `NULL::${HEALTH_TYPES[c]}`;
  return {
    columns: `(vendor_id, customer_id, ${hCols.join(', ')}, bmr, tdee_cached, derived_limits, derived_at, updated_at)`,
    select: `SELECT ${v}, s.id, ${hCols.map(src).join(', ')}, b.bmr, (b.bmr * activity_factor(${src('activity_level')}))::real,
             ${has('conditions') ? `l.derived_limits` : `(SELECT derive_limits(${v}, '{}'))`}, now(), now()
        FROM ${from}${has('conditions') ? ` LEFT JOIN ${source.limits} l ON l.conditions = s.conditions` : ''},
             LATERAL (SELECT ${bmrOf(src)} AS bmr) b`,
  };
}

/**
 * One batch of customers: identity into `customers`, health into `customer_health` with BMR,
 * TDEE and derived limits recomputed in the same statement (set-based, the SQL functions the
 * API uses). A column absent from the file keeps its stored value; the derivations then combine
 * stored and new values.
 */
export function batchSql(source: ImportSource, vendorId: string): string {
  const { table: typed } = source;
  const v = `${lit(vendorId)}::uuid`;
  const { idCols, hCols } = split(source);
  const has = (c: string) => hCols.includes(c);
  const pick = (c: string) => (has(c) ? `EXCLUDED.${c}` : `h.${c}`);
  const healthChanged =
    hCols.length === 0
      ? ''
      : ` OR NOT EXISTS (SELECT 1 FROM customer_health h WHERE h.vendor_id = ${v} AND h.customer_id = s.id
                          AND ${row('h', hCols)} IS NOT DISTINCT FROM ${row('s', hCols)})`;
  const inserted = healthInsert(source, vendorId, 'changed s');
  const health =
    hCols.length === 0
      ? ''
      : `,
    hi AS (
      INSERT INTO customer_health AS h ${inserted.columns}
      ${inserted.select}
      ON CONFLICT (vendor_id, customer_id) DO UPDATE SET ${hCols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
         bmr = ${bmrOf(pick)}, tdee_cached = (${bmrOf(pick)} * activity_factor(${pick('activity_level')}))::real,
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

/** Where a first import writes: a table shaped like `customers`, and one like `customer_health` when the file has health columns. */
export interface FirstLoadTargets {
  customers: string;
  health?: string;
}

/**
 * A vendor's first import (no customers yet): every staged row inserted as is — nothing to
 * compare, no conflicts — into tables of the caller's (new, not yet indexed partitions it swaps
 * in afterwards), one of `parts` slices of the lines per statement, so the caller can run them
 * on connections of their own.
 */
export function firstLoadSql(
  source: ImportSource,
  vendorId: string,
  into: FirstLoadTargets,
  part: number,
  parts: number,
): string[] {
  const { idCols, hCols } = split(source);
  const slice = parts > 1 ? `s.line_no % ${parts} = ${part}` : 'true';
  const statements = [
    `INSERT INTO ${into.customers} (vendor_id, id, ${idCols.join(', ')})
     SELECT ${lit(vendorId)}::uuid, s.id, ${idCols.map((c) => `s.${c}`).join(', ')} FROM ${source.table} s WHERE ${slice}`,
  ];
  if (hCols.length > 0 && into.health) {
    const h = healthInsert(source, vendorId, `${source.table} s`);
    statements.push(`INSERT INTO ${into.health} ${h.columns} ${h.select} WHERE ${slice}`);
  }
  return statements;
}
