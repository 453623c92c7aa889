import { textRuleSql } from '#libs/common';
import { VOCABULARY_VERSION } from '#libs/food-vocabulary';
import { NUTRIENT_COLUMNS, type ColumnMapping, type FieldSpec } from './fields.js';

/**
 * SQL for one ingest job, generated from the columns the file has. Identifiers come from the
 * field specs (never from the file); values from the file only ever reach SQL as staged data.
 */
// Unbounded patterns plus a length check: PostgreSQL's regex engine expands {m,n} into states and
// runs ~3× slower with them (measured on 200 000 rows).
const TAG = `'^[a-z0-9][a-z0-9_-]*$'`;
// (?: ) groups: a capturing group makes PostgreSQL's regex engine track submatches
const TAGS = `'^[a-z0-9][a-z0-9_-]*(?:\\s*[|;,]\\s*[a-z0-9][a-z0-9_-]*)*$'`;
const TRUE = `('true','t','1','yes','y')`;
const BOOLS = `('true','t','1','yes','y','false','f','0','no','n')`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const num = (n: number) => String(n);

/** errors.csv keeps the first problems of a file (a wrong mapping can make every value bad). */
export const MAX_ERROR_ROWS = 100_000;

export const stagingColumn = (f: FieldSpec) => `f_${f.field}`;

/**
 * What the reasons of a row may take as given (SQL expressions over the staged row):
 * - `ascii`: true when every mapped value of the row is printable ASCII (the copy phase knows this
 *   from the text it streams). Such a value holds no control character and no U+FFFD, so those
 *   scans (regular expressions over the whole text) are skipped for it.
 * - `prepared`: the value as several checks and the cast read it (preparedSql) — computed once per
 *   value by the typed fill, instead of once per check.
 * Left out, every check reads the value itself: the same reasons, computed the slow way.
 */
export interface ReasonInputs {
  ascii?: string;
  prepared?: string;
}

/** The SQL type a numeric field is parsed as (the others: none). */
const numberType = (f: FieldSpec): 'numeric' | 'real' | null =>
  f.kind === 'int' || f.kind === 'money' ? 'numeric' : f.kind === 'real' ? 'real' : null;

/**
 * What the checks and the cast of a field read more than once, as one expression: a number parsed
 * (NULL when it is not a number, never an error), a list of codes trimmed and lower-cased. NULL for
 * the other kinds.
 */
export function preparedSql(f: FieldSpec, v: string): string | null {
  const type = numberType(f);
  if (type) return `CASE WHEN pg_input_is_valid(${v}, '${type}') THEN ${v}::${type} END`;
  return f.kind === 'codes' ? `lower(btrim(${v}, '{} '))` : null;
}

/** length(v) > n without counting characters when the bytes alone settle it (length ≤ octet_length). */
const longer = (v: string, n: number) => `(octet_length(${v}) > ${n} AND length(${v}) > ${n})`;

/** Text that breaks the text rules (libs/common's, the same as a JSON body's). */
const SINGLE_LINE_BROKEN = textRuleSql('single');
const MULTI_LINE_BROKEN = textRuleSql('multi');

/** Why a staged value is not acceptable (SQL text expression), NULL when it is. */
export function reasonSql(f: FieldSpec, v: string, given: ReasonInputs = {}): string {
  const prepared = preparedSql(f, v);
  const p = prepared === null ? '' : (given.prepared ?? `(${prepared})`);
  const scanned = given.ascii ? `NOT ${given.ascii} AND ` : '';
  const range =
    f.min !== undefined && f.max !== undefined
      ? `WHEN ${p} = 'NaN' OR ${p} < ${num(f.min)} OR ${p} > ${num(f.max)} THEN 'must be between ${f.min} and ${f.max}'`
      : '';
  // the value is not NULL past the first WHEN, so a NULL parse means it is not a number. The rule,
  // never PostgreSQL's message: that quotes the value, and a customer file's values are health data
  const notNumber = `WHEN ${p} IS NULL THEN 'must be a number'`;
  const utf8 = `WHEN ${scanned}strpos(${v}, U&'\\FFFD') > 0 THEN 'is not valid UTF-8 text'`;
  const len = f.maxLength
    ? `WHEN ${longer(v, f.maxLength)} THEN 'is longer than ${f.maxLength} characters'`
    : '';
  let checks: string;
  switch (f.kind) {
    case 'external_id':
      checks = `WHEN ${longer(v, 200)} THEN 'is longer than 200 characters' WHEN ${scanned}${v} ~ ${SINGLE_LINE_BROKEN} THEN 'contains control or bidirectional formatting characters' ${utf8}`;
      break;
    case 'short_text':
      checks = `${len} WHEN ${scanned}${v} ~ ${SINGLE_LINE_BROKEN} THEN 'contains control or bidirectional formatting characters' ${utf8}`;
      break;
    case 'long_text':
      checks = `${len} WHEN ${scanned}${v} ~ ${MULTI_LINE_BROKEN} THEN 'contains control or bidirectional formatting characters' ${utf8}`;
      break;
    case 'code':
      checks = `WHEN ${longer(v, 40)} OR lower(${v}) !~ ${TAG} THEN 'must be a code: lower-case letters, digits, - or _ (at most 40)'`;
      break;
    case 'codes':
      {
        // separators are one byte each, so counting bytes counts them (and fewer bytes than the
        // limit cannot hold that many)
        const max = f.maxItems ?? 50;
        checks = `WHEN ${p} !~ ${TAGS} AND ${p} <> '' THEN 'must be codes (letters, digits, - or _) separated by | ; or ,'
        WHEN octet_length(${v}) >= ${max} AND octet_length(${v}) - octet_length(translate(${v}, '|;,', '')) >= ${max}
          OR ${longer(v, max * 42)}
          THEN 'has more than ${max} items'`;
      }
      break;
    case 'int':
      checks = `${notNumber} WHEN ${p} <> trunc(${p}) THEN 'must be a whole number' ${range}`;
      break;
    case 'money':
    case 'real':
      checks = `${notNumber} ${range}`;
      break;
    case 'bool':
      checks = `WHEN lower(${v}) NOT IN ${BOOLS} THEN 'must be true or false (or yes/no, 1/0)'`;
      break;
    case 'currency':
      checks = `WHEN length(${v}) <> 3 OR upper(${v}) !~ '^[A-Z]+$' THEN 'must be a three-letter ISO 4217 currency code'`;
      break;
    case 'gtin':
      checks = `WHEN length(${v}) NOT BETWEEN 8 AND 14 OR ${v} !~ '^[0-9]+$' THEN 'must be 8 to 14 digits'`;
      break;
    case 'email':
      checks = `WHEN ${longer(v, 320)} OR ${v} !~ '^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$' THEN 'is not an e-mail address'`;
      break;
    case 'date':
      checks = `WHEN length(${v}) <> 10 OR ${v} !~ '^[0-9]+-[0-9]+-[0-9]+$' THEN 'must be a date as YYYY-MM-DD'
        WHEN NOT pg_input_is_valid(${v}, 'date') THEN 'is not a calendar date'
        WHEN ${v}::date > current_date OR ${v}::date < date '1900-01-01' THEN 'must be between 1900-01-01 and today'`;
      break;
    case 'enum': {
      const keys = Object.keys(f.values ?? {});
      checks = `WHEN lower(${v}) NOT IN (${keys.map(lit).join(', ')}) THEN 'must be one of ${[...new Set(Object.values(f.values ?? {}))].join(', ')}'`;
      break;
    }
  }
  return `CASE WHEN ${v} IS NULL THEN ${f.required ? `'is required'` : 'NULL'} ${checks} END`;
}

/** The typed value of a valid staged value (`prepared`: its preparedSql, when the caller has it). */
export function castSql(f: FieldSpec, v: string, prepared?: string): string {
  // numbers: the cast itself (only valid values are cast); codes: their trimmed, lower-cased text
  const p = () => prepared ?? (f.kind === 'codes' ? `(${preparedSql(f, v)})` : `${v}::${numberType(f)}`);
  switch (f.kind) {
    case 'external_id':
    case 'short_text':
    case 'long_text':
    case 'gtin':
      return v;
    case 'email':
      return `lower(${v})`;
    case 'code':
      return `lower(${v})`;
    case 'codes':
      // valid codes hold no spaces but around separators: drop them all (translate deletes what
      // has no counterpart), split on one separator
      return `coalesce(array_remove(string_to_array(translate(${p()}, ';, ', '||'), '|'), ''), '{}')`;
    case 'int':
      return `${p()}::integer`;
    case 'money':
      return `round(${p()} * 100)::integer`;
    case 'real':
      // another unit (kJ, salt g): converted (targetSql rounds it, once, with any per-100 g scaling)
      return f.scale !== undefined ? `(${p()}::float8 * ${f.scale})` : p();
    case 'bool':
      return f.column === 'in_stock' ? `coalesce(lower(${v}) IN ${TRUE}, true)` : `(lower(${v}) IN ${TRUE})`;
    case 'currency':
      return `coalesce(upper(${v}), 'USD')`;
    case 'date':
      return `${v}::date`;
    case 'enum':
      return `CASE lower(${v}) ${Object.entries(f.values ?? {})
        .map(([k, val]) => `WHEN ${lit(k)} THEN ${lit(val)}`)
        .join(' ')} END`;
  }
}

/** The job's per-job tables (unlogged: scratch that a crash may lose; the job rebuilds them). */
export function jobTables(jobId: string) {
  const hex = jobId.replace(/-/g, '');
  return {
    stage: `ingest_stage_${hex}`,
    typed: `ingest_typed_${hex}`,
    load: `ingest_load_${hex}`,
    loadHealth: `ingest_loadh_${hex}`,
    limits: `ingest_limits_${hex}`,
    changed: `ingest_changed_${hex}`,
    skipped: `ingest_skipped_${hex}`,
  };
}

/**
 * Bump when validation or casting changes what a line makes of a product: every digest stored
 * before then no longer matches, and the next re-ingest of each catalogue processes every line.
 */
export const DIGEST_VERSION = 2;

/**
 * What a line's digest covers besides its values: the version, the vocabulary its codes were read
 * with (a new synonym changes what a line makes of a product), the file's field mapping and basis.
 */
export const digestSalt = (mapping: ColumnMapping): string =>
  `v${DIGEST_VERSION}|${VOCABULARY_VERSION}|${mapping.basis ?? ''}|${mapping.used.map((u) => u.field.field).join(',')}`;

export function createStagingSql(stage: string, mapping: ColumnMapping): string {
  const cols = mapping.used.map((u) => `${stagingColumn(u.field)} text`).join(', ');
  return `CREATE UNLOGGED TABLE ${stage} (line_no bigint NOT NULL, problem text, raw text, ascii boolean NOT NULL, digest uuid, unchanged boolean NOT NULL${cols ? ', ' + cols : ''})
          WITH (autovacuum_enabled = off)`;
}

export function copySql(stage: string, mapping: ColumnMapping): string {
  const cols = [
    'line_no',
    'problem',
    'raw',
    'ascii',
    'digest',
    'unchanged',
    ...mapping.used.map((u) => stagingColumn(u.field)),
  ];
  return `COPY ${stage} (${cols.join(', ')}) FROM STDIN`;
}

/** The staged row's prepared value of a field (a column of typedSql's inner select). */
const preparedColumn = (f: FieldSpec) => `p_${f.field}`;

/** Every value of row `s` acceptable: reasonSql's own checks, given the row's ascii flag and parses. */
const allValid = (mapping: ColumnMapping) =>
  mapping.used.length === 0
    ? 'true'
    : mapping.used
        .map((u) => {
          const given: ReasonInputs = { ascii: 's.ascii' };
          if (preparedSql(u.field, '')) given.prepared = `s.${preparedColumn(u.field)}`;
          return `(${reasonSql(u.field, `s.${stagingColumn(u.field)}`, given)}) IS NULL`;
        })
        .join(' AND ');

/**
 * One ingest_errors row per bad value (the header as the column), and one per malformed record.
 * Runs after the typed table exists: only the rows missing from it are looked at again. With
 * `withheld` (customer files: health data), a row keeps the column and the reason but not the
 * value, except the external id; a malformed record keeps no text.
 */
/** The job's vendor, for the rows that belong to it (evaluated once per statement). */
const jobVendor = (jobId: string) => `(SELECT vendor_id FROM ingest_jobs WHERE id = ${lit(jobId)}::uuid)`;

export function insertErrorsSql(
  stage: string,
  typed: string,
  jobId: string,
  mapping: ColumnMapping,
  withheld = false,
): string {
  const shown = (u: ColumnMapping['used'][number]) =>
    !withheld || u.field.column === 'external_id' ? `s.${stagingColumn(u.field)}` : 'NULL::text';
  const values = mapping.used
    .map((u) => `(${lit(u.header)}, ${shown(u)}, ${reasonSql(u.field, `s.${stagingColumn(u.field)}`)})`)
    .join(',\n');
  return `WITH bad AS (SELECT s.* FROM ${stage} s WHERE NOT s.unchanged AND NOT EXISTS (SELECT 1 FROM ${typed} t WHERE t.line_no = s.line_no))
    INSERT INTO ingest_errors (vendor_id, job_id, line_no, column_name, value, reason)
    SELECT ${jobVendor(jobId)}, * FROM (
      SELECT ${lit(jobId)}::uuid, s.line_no, e.col, left(e.val, 500), e.reason
        FROM bad s CROSS JOIN LATERAL (VALUES ${values}) e(col, val, reason)
       WHERE s.problem IS NULL AND e.reason IS NOT NULL
      UNION ALL
      SELECT ${lit(jobId)}::uuid, s.line_no, NULL, ${withheld ? 'NULL' : 'left(s.raw, 500)'}, s.problem FROM bad s WHERE s.problem IS NOT NULL
    ) e ORDER BY 3 LIMIT ${MAX_ERROR_ROWS}`;
}

/**
 * Warnings of the file's lines (CsvToCopy's tally) into ingest_errors as `warning` rows, codes kept
 * as written: $1 a JSON array of them (line, column, code, reason, message).
 */
export function insertWarningsSql(jobId: string): string {
  return `INSERT INTO ingest_errors (vendor_id, job_id, line_no, column_name, value, reason, severity)
    SELECT ${jobVendor(jobId)}, ${lit(jobId)}::uuid, line, "column", code, reason || ': ' || message, 'warning'
      FROM jsonb_to_recordset($1::jsonb) x (line bigint, "column" text, code text, reason text, message text)`;
}

/** The file's warning counts by reason ($1, JSON) onto its job. */
export const warningCountsSql = (jobId: string): string =>
  `UPDATE ingest_jobs SET warning_counts = $1::jsonb WHERE id = ${lit(jobId)}::uuid`;

/** A live column the file fills: from one of its fields, or derived from the nutrients' basis. */
export interface TargetColumn {
  column: string;
  field?: FieldSpec;
}

/** Whether the file's nutrients may be per 100 g (a basis column, or the file's or job's basis). */
const basisColumn = (mapping: ColumnMapping) => mapping.used.find((u) => u.field.column === 'nutrient_basis');
const fillsNutrients = (mapping: ColumnMapping) =>
  mapping.used.some((u) => NUTRIENT_COLUMNS.has(u.field.column));
const mayBePer100g = (mapping: ColumnMapping) =>
  mapping.basis === 'per_100g' || basisColumn(mapping) !== undefined;

/**
 * Distinct live columns the file fills (external_id excluded: it is the key). A file giving
 * nutrients also sets the basis they were given in; one whose nutrients may be per 100 g also sets
 * the serving size (100 g where it gives none: the values are then per 100 g serving).
 */
export function targetColumns(mapping: ColumnMapping): TargetColumn[] {
  const mapped: TargetColumn[] = mapping.used
    .filter((u) => u.field.column !== 'external_id')
    .map((u) => ({ column: u.field.column, field: u.field }));
  const has = (c: string) => mapped.some((t) => t.column === c);
  const derived: TargetColumn[] = [];
  if ((fillsNutrients(mapping) || mapping.basis !== null) && !has('nutrient_basis'))
    derived.push({ column: 'nutrient_basis' });
  if (mayBePer100g(mapping) && !has('serving_size_g')) derived.push({ column: 'serving_size_g' });
  return [...mapped, ...derived];
}

/**
 * The typed value of a target column for staged row `s` (`prepared(field)`: the prepared column of
 * a field, when it has one). Nutrients given per 100 g are scaled to the serving here: × serving
 * size / 100, to three decimals.
 */
function targetSql(
  t: TargetColumn,
  mapping: ColumnMapping,
  prepared: (f: FieldSpec) => string | undefined,
): string {
  const cast = (f: FieldSpec) => castSql(f, `s.${stagingColumn(f)}`, prepared(f));
  const basisField = basisColumn(mapping)?.field;
  const fixed = mapping.basis ?? 'per_serving';
  const basis = basisField ? `coalesce(${cast(basisField)}, '${fixed}')` : `'${fixed}'`;
  const servingField = mapping.used.find((u) => u.field.column === 'serving_size_g')?.field;
  const serving = servingField ? `coalesce(${cast(servingField)}, 100)` : '100';
  if (t.column === 'nutrient_basis') return basis;
  if (t.column === 'serving_size_g') {
    if (!mayBePer100g(mapping)) return cast(t.field!);
    return `CASE WHEN ${basis} = 'per_100g' THEN ${serving} ELSE ${servingField ? cast(servingField) : 'NULL'} END`;
  }
  const value = cast(t.field!);
  if (!NUTRIENT_COLUMNS.has(t.column)) return value;
  // a stored nutrient keeps three decimals after any conversion, rounded once (as an API write)
  const given = t.field!.scale !== undefined ? `round(${value}::numeric, 3)::real` : value;
  if (!mayBePer100g(mapping)) return given;
  const per100g = `round((${value}::float8 * ${serving} / 100)::numeric, 3)::real`;
  if (mapping.basis === 'per_100g' && !basisField) return per100g;
  return `CASE WHEN ${basis} = 'per_100g' THEN ${per100g} ELSE ${given} END`;
}

/**
 * Valid rows, typed, with their deterministic id (the same uuid_v5 as the API's): the empty
 * table, then `parts` INSERTs (one per connection, each taking every parts-th line).
 */
export function typedSql(
  stage: string,
  typed: string,
  vendorId: string,
  mapping: ColumnMapping,
  parts: number,
  withDigest = false,
): { create: string; fill: string[] } {
  const ext = mapping.used.find((u) => u.field.column === 'external_id')!;
  const prepared = (f: FieldSpec) => (preparedSql(f, '') ? `s.${preparedColumn(f)}` : undefined);
  const cols = targetColumns(mapping)
    .map((t) => `${targetSql(t, mapping, prepared)} AS ${t.column}`)
    .join(', ');
  // each value prepared once, in a subquery kept apart (OFFSET 0) so the checks and the cast share it
  const prepares = mapping.used
    .map((u) => [u, preparedSql(u.field, `s.${stagingColumn(u.field)}`)] as const)
    .filter(([, sql]) => sql !== null)
    .map(([u, sql]) => `, ${sql} AS ${preparedColumn(u.field)}`)
    .join('');
  const select = (
    where: string,
  ) => `SELECT s.line_no, uuid_generate_v5(${lit(vendorId)}::uuid, s.${stagingColumn(ext.field)}) AS id,
           s.${stagingColumn(ext.field)} AS external_id${cols ? ', ' + cols : ''}${withDigest ? ', s.digest AS source_digest' : ''}
      FROM (SELECT s.*${prepares} FROM ${stage} s WHERE ${where} OFFSET 0) s WHERE ${allValid(mapping)}`;
  return {
    create: `CREATE UNLOGGED TABLE ${typed} WITH (autovacuum_enabled = off) AS ${select('false')}`,
    fill: Array.from(
      { length: parts },
      (_, k) =>
        `INSERT INTO ${typed} ${select(`${parts > 1 ? `s.line_no % ${parts} = ${k} AND ` : ''}s.problem IS NULL AND NOT s.unchanged`)}`,
    ),
  };
}

/**
 * Duplicate external ids: the last line wins; the others are reported and removed — from the
 * typed rows, and from `skipped` (unchanged lines of a re-ingest) when given, so a skipped line
 * competes with the file's other lines for its id like any other.
 */
export function dedupeSql(typed: string, jobId: string, mapping: ColumnMapping, skipped?: string): string {
  const ext = mapping.used.find((u) => u.field.column === 'external_id')!;
  const lines = skipped
    ? `SELECT id, line_no FROM ${typed} UNION ALL SELECT id, line_no FROM ${skipped}`
    : `SELECT id, line_no FROM ${typed}`;
  const goneSkipped = skipped
    ? `,
    gone_skipped AS (DELETE FROM ${skipped} k USING d WHERE k.id = d.id AND k.line_no < d.keep RETURNING k.line_no, k.external_id, d.keep)`
    : '';
  return `WITH d AS (SELECT id, max(line_no) AS keep FROM (${lines}) u GROUP BY id HAVING count(*) > 1),
    gone AS (DELETE FROM ${typed} t USING d WHERE t.id = d.id AND t.line_no < d.keep RETURNING t.line_no, t.external_id, d.keep)${goneSkipped}
    INSERT INTO ingest_errors (vendor_id, job_id, line_no, column_name, value, reason)
    SELECT ${jobVendor(jobId)}, ${lit(jobId)}::uuid, line_no, ${lit(ext.header)}, left(external_id, 500),
           'duplicate external_id: line ' || keep || ' has the same id and is used instead'
      FROM (SELECT * FROM gone${skipped ? ' UNION ALL SELECT * FROM gone_skipped' : ''}) g ORDER BY line_no LIMIT ${MAX_ERROR_ROWS}`;
}
