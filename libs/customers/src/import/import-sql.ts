/**
 * The set-based SQL behind HealthImportService: a staged relation of customers merged into
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

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const row = (alias: string, cols: string[]) => `(${cols.map((c) => `${alias}.${c}`).join(', ')})`;

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

/**
 * One batch of customers: identity into `customers`, health into `customer_health` with BMR,
 * TDEE and derived limits recomputed in the same statement (set-based, the SQL functions the
 * API uses). A column absent from the file keeps its stored value; the derivations then combine
 * stored and new values.
 */
export function batchSql(source: ImportSource, vendorId: string): string {
  const { table: typed, limits, columns: cols } = source;
  const v = `${lit(vendorId)}::uuid`;
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
