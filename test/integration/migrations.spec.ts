import { DataSource } from 'typeorm';
import { createDataSource, migrateDown, migrateUp } from '#libs/db';
import { MIGRATIONS } from '../../migrations/index.js';
import { PRODUCT_FILLFACTOR } from '../../libs/catalogue/src/bulk/products-bulk.target.js';
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

  it("leaves room on product pages for in-place updates (new vendors' leaves as a first load's), still as the owner", async () => {
    const ds = await connect();
    await migrateUp(ds);
    const vendor = '0b0b0b0b-0000-4000-8000-000000000001';
    await ds.query(`SELECT create_vendor_partitions($1)`, [vendor]);
    const suffix = vendor.replace(/-/g, '');
    const options = async (parent: string) =>
      (
        await ds.query(
          `SELECT DISTINCT array_to_string(c.reloptions, ',') AS o FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = $1::regclass`,
          [parent],
        )
      ).map((r: { o: string | null }) => r.o);
    expect(await options(`products_${suffix}`)).toEqual([`fillfactor=${PRODUCT_FILLFACTOR}`]);
    expect(await options(`customers_${suffix}`)).toEqual([null]);
    const [limits] = await ds.query(
      `SELECT array_agg(DISTINCT a.attstattarget) AS targets, count(*)::int AS leaves FROM pg_inherits i
         JOIN pg_attribute a ON a.attrelid = i.inhrelid AND a.attname = 'derived_limits'
        WHERE i.inhparent = $1::regclass`,
      [`customer_health_${suffix}`],
    );
    expect(limits).toEqual({ targets: [0], leaves: 32 }); // no statistics sampled for the jsonb
    // statistics from 9 000 sampled rows a leaf: target 30 on every column and index expression,
    // 10 on the full-text vectors (set_leaf_statistics, 1795221500000) and on the expressions the
    // full-text indexes are built on (1795222800000; a GIN index's keys are text, hence tsv false)
    const targets = await ds.query(
      `SELECT DISTINCT a.attstattarget AS target, a.atttypid = 'tsvector'::regtype AS tsv, c.relkind = 'i' AS index
         FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid OR c.oid IN (SELECT x.indexrelid FROM pg_index x WHERE x.indrelid = i.inhrelid)
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         LEFT JOIN pg_index x ON x.indexrelid = c.oid
        WHERE i.inhparent IN ($1::regclass, $2::regclass) AND a.attname <> 'derived_limits'
          AND (x.indexrelid IS NULL OR x.indkey[a.attnum - 1] = 0)
        ORDER BY 1, 2, 3`,
      [`products_${suffix}`, `customers_${suffix}`],
    );
    expect(targets).toEqual([
      { target: 10, tsv: false, index: true },
      { target: 10, tsv: true, index: false },
      { target: 30, tsv: false, index: false },
      { target: 30, tsv: false, index: true },
    ]);
    const [grant] = await ds.query(
      `SELECT has_function_privilege('nrp_app', 'set_leaf_statistics(regclass, integer)', 'EXECUTE') AS app,
              has_function_privilege('nrp_platform', 'set_leaf_statistics(regclass, integer)', 'EXECUTE') AS platform`,
    );
    expect(grant).toEqual({ app: false, platform: false }); // the ingestion pipeline runs it as the owner
    const [fn] = await ds.query(
      `SELECT prosecdef, proconfig FROM pg_proc WHERE proname = 'create_vendor_partitions'`,
    );
    expect(fn).toEqual({ prosecdef: true, proconfig: ['search_path=public, pg_temp'] });
  });

  it('derives BMR in an expression PostgreSQL inlines, with the results of the guarded version', async () => {
    const ds = await connect();
    await migrateUp(ds);
    const grid = `(SELECT * FROM unnest(ARRAY['male', 'female', 'other', NULL])) s(sex),
        (VALUES (70.5::real), (NULL)) w(kg), (VALUES (171.5::real), (NULL)) h(cm),
        (VALUES ('1980-02-29'::date), ('2000-12-31'), (NULL)) b(born), (VALUES (40::smallint), (NULL)) a(years),
        (VALUES ('2026-02-28'::date), ('2026-03-29'), ('2026-12-31')) d(day)`;
    const [plan] = await ds.query(
      `EXPLAIN (VERBOSE, FORMAT JSON) SELECT mifflin_st_jeor(sex, kg, cm, age_on(born, years, day)) FROM ${grid}`,
    );
    const text = JSON.stringify(plan);
    expect(text).not.toContain('mifflin_st_jeor(');
    expect(text).not.toContain('age_on(');
    // the first version's bodies, as written in 1795219600000 (a WHERE guard; dates as timestamptz)
    const guarded = `(SELECT (10 * kg + 6.25 * cm - 5 * g.age + CASE sex WHEN 'male' THEN 5 WHEN 'female' THEN -161 ELSE -78 END)::real
        FROM (SELECT coalesce(extract(year FROM age(day, born))::integer, years::integer) AS age) g
       WHERE kg IS NOT NULL AND cm IS NOT NULL AND g.age IS NOT NULL AND sex IS NOT NULL)`;
    for (const zone of ['UTC', 'Europe/Berlin', 'America/Sao_Paulo', 'Pacific/Kiritimati']) {
      const rows: { differ: string; total: string; derived: string }[] = await ds.query(
        `SELECT set_config('TimeZone', $1, false), count(*) FILTER (WHERE mifflin_st_jeor(sex, kg, cm, age_on(born, years, day))
                  IS DISTINCT FROM ${guarded}) AS differ,
                count(*) AS total, count(mifflin_st_jeor(sex, kg, cm, age_on(born, years, day))) AS derived FROM ${grid}`,
        [zone],
      );
      expect(rows[0]).toMatchObject({ differ: '0', total: '288', derived: '45' });
    }
  });
});
