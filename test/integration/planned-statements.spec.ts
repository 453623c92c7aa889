import type { DataSource } from 'typeorm';
import { createDataSource, MAX_PER_CONNECTION, ReplicaReader, rowsOf } from '#libs/db';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';

/**
 * ReplicaReader.readPlanned: named statements whose plans PostgreSQL keeps (generic after its
 * first custom plans), on a session at plan_cache_mode=auto that stays so for the next planned
 * read and is back at force_custom_plan for anyone else, at most MAX_PER_CONNECTION of them per
 * connection.
 */
describe('planned statements (integration)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let reader: ReplicaReader;

  beforeAll(async () => {
    db = await createTestDatabase();
    // one connection, so every read below shares it
    ds = await createDataSource(testConfig(db.url), {
      applicationName: 'planned-test',
      poolMax: 1,
    }).initialize();
    reader = new ReplicaReader(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  const prepared = () =>
    reader.read(
      async (run) =>
        (await run.query(`SELECT name, generic_plans::int AS generic FROM pg_prepared_statements`)) as {
          name: string;
          generic: number;
        }[],
    );

  it('keeps a generic plan, and the session setting is back afterwards', async () => {
    const { result } = await reader.readPlanned(async (run) => {
      const answers: number[] = [];
      for (let i = 0; i < 8; i++) {
        const [row] = await run.planned<{ n: number }>('plan_probe', 'SELECT $1::int + 1 AS n', [i]);
        answers.push(row!.n);
      }
      const [mode] = await rowsOf<{ plan_cache_mode: string }>(run.db, 'SHOW plan_cache_mode');
      return { answers, mode: mode!.plan_cache_mode };
    });
    expect(result).toEqual({ answers: [1, 2, 3, 4, 5, 6, 7, 8], mode: 'auto' });
    const { result: statements } = await prepared();
    expect(statements.find((s) => s.name === 'plan_probe')?.generic).toBeGreaterThan(0);
    const { result: after } = await reader.read(async (run) => run.query('SHOW plan_cache_mode'));
    expect(after).toEqual([{ plan_cache_mode: 'force_custom_plan' }]);
  });

  it('runs outside a transaction, leaves auto for the next planned read only', async () => {
    const session = (run: { db: { query(sql: string): Promise<unknown> } }) =>
      run.db.query(
        `SELECT current_setting('plan_cache_mode') AS mode, now() = statement_timestamp() AS own_statement`,
      ) as Promise<{ mode: string; own_statement: boolean }[]>;
    const first = await reader.readPlanned(async (run) => {
      await run.planned('plan_session', 'SELECT 1 AS n', []);
      return session(run);
    });
    // now() is the transaction's start: equal to the statement's own start only outside one
    expect(first.result).toEqual([{ mode: 'auto', own_statement: true }]);
    const second = await reader.readPlanned((run) => session(run));
    expect(second.result[0]!.mode).toBe('auto');
    // a transaction taking the same connection runs force_custom_plan
    const inTransaction = await ds.transaction((m) => m.query('SHOW plan_cache_mode'));
    expect(inTransaction).toEqual([{ plan_cache_mode: 'force_custom_plan' }]);
    const third = await reader.readPlanned(async (run) => {
      await run.planned('plan_session', 'SELECT 1 AS n', []);
      return session(run);
    });
    expect(third.result[0]!.mode).toBe('auto');
  });

  it(`keeps at most ${MAX_PER_CONNECTION} statements per connection, the least recently used deallocated`, async () => {
    const names = Array.from({ length: MAX_PER_CONNECTION + 5 }, (_, i) => `plan_lru_${i}`);
    await reader.readPlanned(async (run) => {
      for (const [i, name] of names.entries()) await run.planned(name, `SELECT ${i}::int AS n`, []);
    });
    const { result: statements } = await prepared();
    expect(statements).toHaveLength(MAX_PER_CONNECTION);
    expect(statements.map((s) => s.name)).not.toContain('plan_lru_0');
    // an evicted one is prepared again on demand
    const { result } = await reader.readPlanned((run) =>
      run.planned<{ n: number }>('plan_lru_0', 'SELECT 0::int AS n', []),
    );
    expect(result).toEqual([{ n: 0 }]);
  });

  it('fails a read whose statement fails, and the connection serves the next one', async () => {
    await expect(
      reader.readPlanned((run) => run.planned('plan_fails', 'SELECT 1 / $1::int AS n', [0])),
    ).rejects.toThrow(/division by zero/);
    const { result } = await reader.readPlanned((run) =>
      run.planned<{ n: number }>('plan_fails', 'SELECT 1 / $1::int AS n', [1]),
    );
    expect(result).toEqual([{ n: 1 }]);
  });

  it('refuses two texts under one name, and names that are not identifiers', async () => {
    await reader.readPlanned((run) => run.planned('plan_twice', 'SELECT 1 AS n', []));
    await expect(reader.readPlanned((run) => run.planned('plan_twice', 'SELECT 2 AS n', []))).rejects.toThrow(
      /another text/,
    );
    await expect(reader.readPlanned((run) => run.planned('x; DROP TABLE y', 'SELECT 1', []))).rejects.toThrow(
      /not a statement name/,
    );
  });
});
