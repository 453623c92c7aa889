import type { DataSource, QueryRunner } from 'typeorm';
import { FUNCTIONS, VIEWS } from '#libs/schema';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Every function and view of the source, by name. */
const SOURCE_FUNCTIONS = Object.assign({}, ...Object.values(FUNCTIONS)) as Record<string, string>;
const SOURCE_VIEWS = Object.assign({}, ...Object.values(VIEWS)) as Record<string, string>;

/** Functions in the public schema that migrations made (an extension's are its own). */
async function databaseFunctions(q: DataSource | QueryRunner): Promise<Record<string, string>> {
  const rows: { name: string; def: string }[] = await q.query(
    `SELECT p.proname AS name, pg_get_functiondef(p.oid) AS def
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND p.prokind = 'f'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
      ORDER BY 1`,
  );
  // pg_get_functiondef ends its text with a line break; the source does not. LEAKPROOF is a mark a
  // migration adds only when it runs as a superuser (1795222900000), not part of the source's text
  return Object.fromEntries(
    rows.map((r) => [r.name, r.def.replace(/\n$/, '').replace(/^( IMMUTABLE[^\n]*) LEAKPROOF$/m, '$1')]),
  );
}

/** Each view's definition as PostgreSQL normalises it, and its options. */
async function databaseViews(
  q: DataSource | QueryRunner,
): Promise<Record<string, { def: string; options: string[] | null }>> {
  const rows: { name: string; def: string; options: string[] | null }[] = await q.query(
    `SELECT c.relname AS name, pg_get_viewdef(c.oid) AS def, c.reloptions AS options
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'v' ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, { def: r.def, options: r.options }]));
}

/** The source's views, normalised by PostgreSQL the same way (created as temporary views, rolled back). */
async function sourceViews(runner: QueryRunner): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await runner.startTransaction();
  try {
    for (const [name, select] of Object.entries(SOURCE_VIEWS)) {
      await runner.query(`CREATE TEMPORARY VIEW source_${name} AS ${select}`);
      const [row] = (await runner.query(`SELECT pg_get_viewdef('source_${name}'::regclass) AS def`)) as {
        def: string;
      }[];
      out[name] = row!.def;
    }
  } finally {
    await runner.rollbackTransaction();
  }
  return out;
}

/**
 * The current schema's code is its owners' source: every SQL function in the database is exactly
 * the text of its `<lib>.functions.ts` entry, and every view the SELECT of its `<lib>.views.ts`
 * entry. A migration that changes one without the source (or the reverse) fails here.
 */
describe('schema source against the migrated database', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await db.owner();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('has every function of the database in source, with the same text', async () => {
    const live = await databaseFunctions(ds);
    expect(Object.keys(live).sort()).toEqual(Object.keys(SOURCE_FUNCTIONS).sort());
    for (const [name, def] of Object.entries(live))
      expect([name, def]).toEqual([name, SOURCE_FUNCTIONS[name]]);
  });

  it('has every view of the database in source, with the same definition, security_invoker', async () => {
    const live = await databaseViews(ds);
    const runner = ds.createQueryRunner();
    try {
      const source = await sourceViews(runner);
      expect(Object.keys(live).sort()).toEqual(Object.keys(source).sort());
      for (const [name, view] of Object.entries(live)) {
        expect([name, view.def]).toEqual([name, source[name]]);
        expect([name, view.options]).toEqual([name, ['security_invoker=true']]);
      }
    } finally {
      await runner.release();
    }
  });

  it('notices a function changed in the database but not in the source, and a view likewise', async () => {
    const runner = ds.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query(
        `CREATE OR REPLACE FUNCTION activity_factor(level text) RETURNS real LANGUAGE sql IMMUTABLE
           AS $$ SELECT 1.3::real $$`,
      );
      await runner.query(
        `CREATE OR REPLACE VIEW calculator_answers WITH (security_invoker = true) AS
           SELECT id, profile, macros, email FROM calculator_sessions`,
      );
      const functions = await databaseFunctions(runner);
      expect(functions.activity_factor).not.toBe(SOURCE_FUNCTIONS.activity_factor);
      expect(functions.age_on).toBe(SOURCE_FUNCTIONS.age_on);
      const views = await databaseViews(runner);
      expect(views.calculator_answers!.def).toContain('email');
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
