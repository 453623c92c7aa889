import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The migrated schema is ready to distribute by vendor (Citus): checked over the catalog against
 * the plan in docs/scaling.md — its create_distributed_table / create_reference_table /
 * citus_add_local_table_to_metadata calls must name exactly the tables there are, every
 * distributed table must carry vendor_id (NOT NULL) in its primary key, every unique index and
 * every foreign key to another distributed table, and no reference or coordinator table may point
 * at a distributed one.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const plan = readFileSync(resolve(ROOT, 'docs/scaling.md'), 'utf8');
const named = (fn: string) =>
  [...plan.matchAll(new RegExp(`${fn}\\('([a-z_]+)'`, 'g'))].map((m) => m[1]!).sort();

interface TableInfo {
  name: string;
  vendorNotNull: boolean | null;
  primaryKey: string[] | null;
  uniques: { name: string; columns: string[] }[];
  foreignKeys: { name: string; columns: string[]; target: string; targetColumns: string[] }[];
}

async function catalog(db: DataSource): Promise<Map<string, TableInfo>> {
  const rows: {
    name: string;
    vendor_not_null: boolean | null;
    pk: string[] | null;
    uniques: { name: string; columns: string[] }[];
    fks: { name: string; columns: string[]; target: string; target_columns: string[] }[];
  }[] = await db.query(`
    WITH t AS (
      SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         AND c.relname <> 'schema_migrations')
    SELECT t.relname AS name,
           (SELECT a.attnotnull FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'vendor_id' AND NOT a.attisdropped) AS vendor_not_null,
           (SELECT array_agg(a.attname ORDER BY k.ord) FROM pg_index i
              CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
             WHERE i.indrelid = t.oid AND i.indisprimary) AS pk,
           coalesce((SELECT json_agg(json_build_object('name', ic.relname, 'columns',
                      (SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)))
              FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
             WHERE i.indrelid = t.oid AND i.indisunique AND NOT i.indisprimary), '[]') AS uniques,
           coalesce((SELECT json_agg(json_build_object('name', f.conname, 'target', rt.relname,
                      'columns', (SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(f.conkey) WITH ORDINALITY k(attnum, ord)
                                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum),
                      'target_columns', (SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(f.confkey) WITH ORDINALITY k(attnum, ord)
                                   JOIN pg_attribute a ON a.attrelid = f.confrelid AND a.attnum = k.attnum)))
              FROM pg_constraint f JOIN pg_class rt ON rt.oid = f.confrelid
             WHERE f.conrelid = t.oid AND f.contype = 'f'), '[]') AS fks
      FROM t ORDER BY t.relname`);
  return new Map(
    rows.map((r) => [
      r.name,
      {
        name: r.name,
        vendorNotNull: r.vendor_not_null,
        primaryKey: r.pk,
        uniques: r.uniques,
        foreignKeys: r.fks.map((f) => ({ ...f, targetColumns: f.target_columns })),
      },
    ]),
  );
}

describe('ready for a distributed PostgreSQL, by vendor_id (integration, over the migrated catalog)', () => {
  let db: TestDatabase;
  let tables: Map<string, TableInfo>;
  const distributed = named('create_distributed_table');
  const reference = named('create_reference_table');
  const local = named('citus_add_local_table_to_metadata');

  beforeAll(async () => {
    db = await createTestDatabase();
    tables = await catalog(await db.owner());
  });

  afterAll(async () => {
    await db.drop();
  });

  it('docs/scaling.md places every table exactly once, and the vendor tables are the distributed ones', () => {
    const all = [...tables.keys()].sort();
    expect([...distributed, ...reference, ...local].sort()).toEqual(all);
    expect(new Set([...distributed, ...reference, ...local]).size).toBe(all.length);
    const withVendor = all.filter((t) => tables.get(t)!.vendorNotNull !== null);
    expect(distributed).toEqual(withVendor.filter((t) => !reference.includes(t)));
  });

  it('every distributed table has vendor_id NOT NULL, in its primary key and in every unique index', () => {
    const problems: string[] = [];
    for (const name of distributed) {
      const t = tables.get(name)!;
      if (t.vendorNotNull !== true) problems.push(`${name}: vendor_id is nullable`);
      if (!t.primaryKey?.includes('vendor_id'))
        problems.push(`${name}: primary key (${t.primaryKey}) lacks vendor_id`);
      for (const u of t.uniques) {
        if (!u.columns.includes('vendor_id'))
          problems.push(`${name}: unique ${u.name} (${u.columns}) lacks vendor_id`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('foreign keys: distributed → distributed through vendor_id, → reference freely; nothing points at a distributed table from outside', () => {
    const problems: string[] = [];
    for (const t of tables.values()) {
      for (const fk of t.foreignKeys) {
        const from = distributed.includes(t.name)
          ? 'distributed'
          : reference.includes(t.name)
            ? 'reference'
            : 'local';
        const to = distributed.includes(fk.target)
          ? 'distributed'
          : reference.includes(fk.target)
            ? 'reference'
            : 'local';
        if (to === 'distributed' && from !== 'distributed')
          problems.push(`${t.name}.${fk.name}: ${from} → distributed`);
        if (from === 'distributed' && to === 'local')
          problems.push(`${t.name}.${fk.name}: distributed → coordinator table`);
        if (from === 'reference' && to === 'local')
          problems.push(`${t.name}.${fk.name}: reference → coordinator table`);
        if (from === 'distributed' && to === 'distributed') {
          const i = fk.columns.indexOf('vendor_id');
          if (i < 0 || fk.targetColumns[i] !== 'vendor_id') {
            problems.push(
              `${t.name}.${fk.name}: (${fk.columns}) → ${fk.target} (${fk.targetColumns}) not through vendor_id`,
            );
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
