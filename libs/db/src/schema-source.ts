import { createHash } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { APP_ROLE, PLATFORM_ROLE } from './tenant-scope.js';

/**
 * The current schema's code, kept in its owners' source rather than only in migrations: each lib
 * that owns SQL functions has a `<lib>.functions.ts` (name → the exact `pg_get_functiondef` text),
 * each lib that publishes views over its tables a `<lib>.views.ts` (name → the SELECT).
 *
 * A migration creates them from there, pinning the text it means: `{ name: pin }`, the pin being
 * the first 12 hex digits of the text's SHA-256 (`npm run schema:pins` prints the current ones).
 * When the source still has that text, the migration creates it; when the source has moved on, a
 * later migration creates the newer text and this one leaves it be. So to change a function or a
 * view: edit its source and add a migration pinning the new text — landed migrations stay as they
 * are. Forget the migration and test/integration/schema-source.spec.ts fails: the database then
 * keeps the older text, which no longer equals the source.
 */

/** The pin of a function's or view's text. */
export const schemaPin = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 12);

/** The entries of `source` whose text still has the pin given; an unknown name is an error. */
function pinned(source: Record<string, string>, pins: Record<string, string>): [string, string][] {
  return Object.entries(pins).flatMap(([name, pin]) => {
    const text = source[name];
    if (text === undefined) throw new Error(`no ${name} in the schema source given`);
    return schemaPin(text) === pin ? [[name, text] as [string, string]] : [];
  });
}

/** Creates or replaces the pinned functions whose source still has the pinned text. */
export async function createFunctions(
  q: Pick<QueryRunner, 'query'>,
  source: Record<string, string>,
  pins: Record<string, string>,
): Promise<void> {
  for (const [, sql] of pinned(source, pins)) await q.query(sql);
}

/**
 * (Re-)creates the pinned views whose source still has the pinned SELECT, each `security_invoker` —
 * the reader's row-level security applies, as if it read the table — and readable by the
 * application roles. Dropped first, so a column may be added anywhere (nothing is built on them).
 */
export async function createViews(
  q: Pick<QueryRunner, 'query'>,
  views: Record<string, string>,
  pins: Record<string, string>,
): Promise<void> {
  for (const [name, select] of pinned(views, pins)) {
    await q.query(`DROP VIEW IF EXISTS ${name}`);
    await q.query(`CREATE VIEW ${name} WITH (security_invoker = true) AS ${select}`);
    await q.query(`GRANT SELECT ON ${name} TO ${APP_ROLE}, ${PLATFORM_ROLE}`);
  }
}
