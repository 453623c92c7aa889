import type { DataSource } from 'typeorm';

interface DbColumn {
  table: string;
  column: string;
  type: string;
  not_null: boolean;
  generated: boolean;
  identity: string | null;
  primary: boolean;
}

/** The migrated schema's tables and columns (partitions and TypeORM's own migrations table left out). */
async function databaseColumns(ds: DataSource): Promise<DbColumn[]> {
  return ds.query(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, a.attgenerated = 's' AS generated,
            CASE a.attidentity WHEN 'a' THEN 'ALWAYS' WHEN 'd' THEN 'BY DEFAULT' END AS identity,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary
                      AND a.attnum = ANY (i.indkey)) AS primary
       FROM pg_class c
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND c.relname <> 'schema_migrations'
      ORDER BY 1, a.attnum`,
  );
}

/** Per table and column, the values a `CHECK (column IN (…))` allows. */
async function allowedValues(ds: DataSource): Promise<Map<string, string[]>> {
  const checks: { table: string; def: string }[] = await ds.query(
    `SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS def
       FROM pg_constraint c
      WHERE contype = 'c' AND connamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_class p WHERE p.oid = c.conrelid AND p.relispartition)`,
  );
  const allowed = new Map<string, string[]>();
  for (const { table, def } of checks) {
    const m = /^CHECK \(\((\w+) = ANY \(ARRAY\[(.*)\]\)\)\)$/.exec(def);
    if (m)
      allowed.set(
        `${table}.${m[1]}`,
        [...m[2]!.matchAll(/'([^']*)'::text/g)].map((v) => v[1]!),
      );
  }
  return allowed;
}

/**
 * Tables whose entity names a primary key the table has not got: TypeORM needs one to describe an
 * entity, and this append-only log is only ever inserted into and range-scanned.
 */
const NO_PRIMARY_KEY_IN_SCHEMA = new Set(['report_access_log']);

/**
 * Every difference between the entities registered with `ds` and the schema its migrations built:
 * missing or extra tables and columns, and per column the type, nullability, generated (STORED)
 * expression, identity, primary-key membership and the values a CHECK (… IN …) allows. Empty when they agree.
 */
export async function schemaDrift(ds: DataSource): Promise<string[]> {
  const problems: string[] = [];
  const columns = await databaseColumns(ds);
  const allowed = await allowedValues(ds);
  const tables = new Set(columns.map((c) => c.table));
  const described = new Set(ds.entityMetadatas.map((m) => m.tableName));
  for (const table of tables) if (!described.has(table)) problems.push(`${table}: table has no entity`);
  for (const meta of ds.entityMetadatas) {
    const table = meta.tableName;
    if (!tables.has(table)) {
      problems.push(`${table}: entity ${meta.name} names a table the migrations do not create`);
      continue;
    }
    const inDb = new Map(columns.filter((c) => c.table === table).map((c) => [c.column, c]));
    const inEntity = new Set(meta.columns.map((c) => c.databaseName));
    for (const name of inDb.keys())
      if (!inEntity.has(name)) problems.push(`${table}.${name}: column missing from entity ${meta.name}`);
    for (const col of meta.columns) {
      const db = inDb.get(col.databaseName);
      const where = `${table}.${col.databaseName}`;
      if (!db) {
        problems.push(`${where}: entity ${meta.name} has a column the table has not`);
        continue;
      }
      const precision = col.precision != null ? `(${col.precision},${col.scale ?? 0})` : '';
      const type = ds.driver.normalizeType(col) + precision + (col.isArray ? '[]' : '');
      if (type !== db.type) problems.push(`${where}: entity type ${type}, database ${db.type}`);
      if (col.isNullable === db.not_null)
        problems.push(`${where}: entity ${col.isNullable ? 'nullable' : 'NOT NULL'}, database the opposite`);
      // a generated column is read-only in its entity (TypeORM's own `generatedType` is left out: it
      // would make TypeORM keep a typeorm_metadata table beside ours)
      const generated = !col.isInsert && !col.isUpdate;
      if (generated !== db.generated)
        problems.push(
          `${where}: entity ${generated ? 'read-only' : 'writable'}, database ${db.generated ? '' : 'not '}generated`,
        );
      const values = [...(col.enum ?? [])].map(String).sort().join(', ');
      const inCheck = [...(allowed.get(where) ?? [])].sort().join(', ');
      if (values !== inCheck) problems.push(`${where}: entity allows [${values}], CHECK allows [${inCheck}]`);
      const identity =
        (col.generationStrategy as string) === 'identity' ? (col.generatedIdentity ?? 'ALWAYS') : null;
      if (identity !== db.identity)
        problems.push(`${where}: entity identity ${identity}, database ${db.identity}`);
      if (col.isPrimary !== db.primary && !NO_PRIMARY_KEY_IN_SCHEMA.has(table))
        problems.push(`${where}: entity ${col.isPrimary ? '' : 'not '}primary, database the opposite`);
    }
  }
  return problems;
}
