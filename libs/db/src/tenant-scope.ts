import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner } from 'typeorm';

/** The role the api's sessions run as (row-level security applies to it) and the cross-vendor one. */
export const APP_ROLE = 'nrp_app';
export const PLATFORM_ROLE = 'nrp_platform';

/**
 * Whose rows the current database work may see: one vendor's (row-level security keyed on
 * `app.vendor_id`), or every vendor's for a named platform path (API-key authentication, the
 * platform admin). Carried through the async call chain of a request, so the database's wall does
 * not depend on every repository remembering its `WHERE vendor_id`.
 */
export type DbScope = { kind: 'vendor'; vendorId: string } | { kind: 'platform' };

const scope = new AsyncLocalStorage<DbScope>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs `fn` with the database scoped to one vendor's rows. */
export function withVendorScope<T>(vendorId: string, fn: () => T): T {
  if (!UUID.test(vendorId)) throw new Error('a vendor scope needs a vendor id (uuid)');
  return scope.run({ kind: 'vendor', vendorId }, fn);
}

/** Runs `fn` as the platform: every vendor's rows (only for paths that are cross-vendor by nature). */
export function withPlatformScope<T>(fn: () => T): T {
  return scope.run({ kind: 'platform' }, fn);
}

export function currentDbScope(): DbScope | undefined {
  return scope.getStore();
}

/** The statements that open a scoped transaction, sent in the same round trip as its BEGIN. */
function scopeSql(s: DbScope): string {
  // the vendor id is a checked uuid: inlined, so BEGIN and the setting travel as one simple query
  return s.kind === 'vendor'
    ? `SELECT set_config('app.vendor_id', '${s.vendorId}', true)`
    : `SET LOCAL ROLE ${PLATFORM_ROLE}`;
}

type RunnerQuery = QueryRunner['query'];

/**
 * Makes every query runner of `dataSource` honour the scope: a transaction begins with the scope's
 * statement (one round trip: `START TRANSACTION; SELECT set_config(…)`), and a statement outside a
 * transaction runs in a transaction of its own that does the same. Without a scope, statements run
 * as the session's role (`nrp_app`: no vendor rows at all).
 */
export function enforceDbScope(dataSource: DataSource): void {
  const driver = dataSource.driver as unknown as { createQueryRunner(mode: string): QueryRunner };
  const create = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode: string) => {
    const runner = create(mode);
    const query = runner.query.bind(runner) as RunnerQuery;
    const r = runner as QueryRunner & { transactionDepth: number };
    runner.query = (async (sql: string, parameters?: unknown[], structured?: boolean) => {
      const s = scope.getStore();
      if (!s) return query(sql, parameters, structured as never);
      if (sql === 'START TRANSACTION' && r.transactionDepth === 0) {
        return query(`START TRANSACTION; ${scopeSql(s)}`, undefined, structured as never);
      }
      if (r.isTransactionActive) return query(sql, parameters, structured as never);
      await query(`START TRANSACTION; ${scopeSql(s)}`);
      try {
        const result = await query(sql, parameters, structured as never);
        await query('COMMIT');
        return result;
      } catch (err) {
        await query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    }) as RunnerQuery;
    return runner;
  };
}
