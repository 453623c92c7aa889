import { DataSource } from 'typeorm';
import { createDataSource, DatabaseUnavailable, NestedAcquireError, trackedPools } from '#libs/db';
import { renderError } from '#libs/common';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';

/**
 * The pool rules of pg-driver.ts against a real PostgreSQL: a transaction that asks its own pool
 * for a second connection fails at once (guard on) instead of deadlocking a busy pool, and a
 * starved acquisition fails with DatabaseUnavailable (503 + Retry-After) instead of hanging.
 */
describe('connection guard (integration)', () => {
  let db: TestDatabase;
  const open: DataSource[] = [];

  async function dataSource(env: Record<string, string>, poolMax = 2): Promise<DataSource> {
    const ds = await createDataSource(testConfig(db.url, env), {
      applicationName: 'guard',
      poolMax,
    }).initialize();
    open.push(ds);
    return ds;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(open.map((ds) => ds.destroy()));
    await db.drop();
  });

  it('throws NestedAcquireError when a transaction asks its pool for a second connection', async () => {
    const ds = await dataSource({ DATABASE_NESTED_ACQUIRE_GUARD: 'true' });
    await expect(ds.transaction(async () => ds.query('SELECT 1'))).rejects.toBeInstanceOf(NestedAcquireError);
    // a nested root transaction is the same mistake
    await expect(ds.transaction(() => ds.transaction((m) => m.query('SELECT 1')))).rejects.toBeInstanceOf(
      NestedAcquireError,
    );
    // the transaction's own manager, several statements at once included, is fine
    const rows = await ds.transaction((m) =>
      Promise.all([m.query('SELECT 1 AS a'), m.query('SELECT 2 AS b')]),
    );
    expect(rows).toEqual([[{ a: 1 }], [{ b: 2 }]]);
    // outside a transaction, parallel statements take what they need
    expect(await Promise.all([ds.query('SELECT 1 AS a'), ds.query('SELECT 2 AS b')])).toHaveLength(2);
    // after a transaction, its continuation may use the pool again
    await ds.transaction((m) => m.query('SELECT 1'));
    expect(await ds.query('SELECT 3 AS c')).toEqual([{ c: 3 }]);
  });

  it('without the guard a nested acquisition on a pool of one waits, then fails within the timeout (no hang)', async () => {
    const ds = await dataSource(
      { DATABASE_NESTED_ACQUIRE_GUARD: 'false', DATABASE_ACQUIRE_TIMEOUT_MS: '300' },
      1,
    );
    const started = Date.now();
    const err = await ds.transaction(async () => ds.query('SELECT 1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnavailable);
    expect(Date.now() - started).toBeLessThan(5_000);
    const rendered = renderError(err, 'req-1');
    expect([rendered.status, rendered.headers['retry-after']]).toEqual([503, '2']);
    expect((rendered.body as { error: { code: string } }).error.code).toBe('database_unavailable');
    // the pool is whole again afterwards
    expect(await ds.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('records its pools for the pool gauges', async () => {
    const ds = await dataSource({}, 3);
    await ds.query('SELECT 1');
    const mine = trackedPools().filter((p) => p.label === 'guard');
    expect(mine.length).toBeGreaterThanOrEqual(1);
    expect(mine.some((p) => p.pool.totalCount >= 1)).toBe(true);
  });
});
