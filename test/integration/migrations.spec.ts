import { DataSource } from 'typeorm';
import { createDataSource, migrateDown, migrateUp } from '#libs/db';
import { MIGRATIONS } from '../../migrations/index.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';

describe('migrations', () => {
  let db: TestDatabase;
  const sources: DataSource[] = [];

  async function connect(): Promise<DataSource> {
    const ds = await createDataSource(testConfig(db.url), {
      applicationName: 'test',
      poolMax: 3,
    }).initialize();
    sources.push(ds);
    return ds;
  }

  async function tables(ds: DataSource): Promise<string[]> {
    const rows: { tablename: string }[] = await ds.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    return rows.map((r) => r.tablename);
  }

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
  });

  afterAll(async () => {
    await Promise.all(sources.map((s) => s.destroy()));
    await db.drop();
  });

  it('runs once even when two processes start at the same time', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    const [appliedA, appliedB] = await Promise.all([migrateUp(a), migrateUp(b)]);
    expect([...appliedA, ...appliedB]).toHaveLength(MIGRATIONS.length);
    const applied: { count: string }[] = await a.query('SELECT count(*) FROM schema_migrations');
    expect(Number(applied[0]!.count)).toBe(MIGRATIONS.length);
    expect(await tables(a)).toEqual(expect.arrayContaining(['idempotency_keys', 'rate_limit_counters']));
  });

  it('reverts every migration down to an empty schema and applies them again', async () => {
    const ds = await connect();
    for (let i = 0; i < MIGRATIONS.length; i++) expect(await migrateDown(ds)).not.toBeNull();
    expect(await migrateDown(ds)).toBeNull();
    expect(await tables(ds)).toEqual(['schema_migrations']);
    expect(await migrateUp(ds)).toHaveLength(MIGRATIONS.length);
    expect(await tables(ds)).toEqual(expect.arrayContaining(['idempotency_keys', 'rate_limit_counters']));
  });

  it('guards every vendor table with row-level security, and grants the api role tables but never partitions', async () => {
    const ds = await connect();
    await migrateUp(ds);
    const unguarded = await ds.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'vendor_id')
          AND NOT (c.relrowsecurity AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation'))`,
    );
    expect(unguarded).toEqual([]); // a new vendor table needs its policy (see the row-level-security migration)
    const ungranted = await ds.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND c.relname <> 'schema_migrations' AND NOT has_table_privilege('nrp_app', c.oid, 'SELECT')`,
    );
    expect(ungranted).toEqual([]);
    const leaves = await ds.query(
      `SELECT c.relname FROM pg_class c WHERE c.relispartition AND has_table_privilege('nrp_app', c.oid, 'SELECT')`,
    );
    expect(leaves).toEqual([]);
  });
});
