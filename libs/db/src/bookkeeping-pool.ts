import pg from 'pg';
import type { AppConfig } from '#libs/config';
import { resilientPool } from './resilient-pg.js';

/**
 * A small pg pool for per-request bookkeeping (rate-limit counters, idempotency keys, the
 * credential lookups of authentication) on the hot path of every request; it connects as the login
 * role, outside the api's row-level-security scopes. Its sessions run with `synchronous_commit = off` when
 * BOOKKEEPING_SYNC_COMMIT is false (the default): a commit does not wait for the WAL flush, so a
 * database crash can lose the last ~200 ms of these records (never business data, which commits
 * through the main pool). That trade saves a disk flush per request; set the variable to true to
 * make idempotency records as durable as everything else.
 *
 * Unlike the main pool's sessions, these keep PostgreSQL's default `plan_cache_mode`: none of their
 * statements needs plan-time partition pruning, so a named statement is planned a few times and then
 * runs a cached generic plan — on the rate-limit hit and idempotency claim that saves ~0.2 ms a
 * request, the biggest single item of the pipeline's cost (docs/benchmarks.md, bench:http).
 */
export class BookkeepingPool {
  readonly pool: pg.Pool;

  constructor(config: AppConfig, applicationName: string) {
    const settings = [`-c statement_timeout=${config.database.statementTimeoutMs}`];
    if (!config.database.bookkeepingSyncCommit) settings.push('-c synchronous_commit=off');
    this.pool = resilientPool('bookkeeping', {
      connectionString: config.database.url,
      max: Math.max(2, Math.ceil(config.database.poolMax / 2)),
      application_name: `${applicationName}-bookkeeping`,
      options: settings.join(' '),
    });
  }

  /**
   * `name` makes it a prepared statement, parsed once per connection and, after PostgreSQL's five
   * custom plans, run on a cached generic plan when that costs no more.
   */
  async query<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[],
    name?: string,
  ): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(name ? { name, text, values } : { text, values });
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
