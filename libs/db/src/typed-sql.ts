import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { BookkeepingPool } from './bookkeeping-pool.js';

/**
 * The one way application code runs a hand-written statement: rowsOf / firstRow / affectedRows /
 * execute, on wherever it should run —
 * - the DataSource (a pooled connection) or a transaction's EntityManager;
 * - a QueryRunner holding one connection (a replica read, ReplicaReader);
 * - the BookkeepingPool (per-request records that need not wait for the WAL flush), where `name`
 *   makes the statement a prepared one, parsed once per connection.
 * Row types come from the entities (`rowsOf<Pick<Product, 'id' | 'name'>>(…)`). The ingestion
 * pipeline's DDL and COPY on its own connections, and the migrations, are the schema's work, not
 * application code's, and run on their connections directly.
 */
export type Db = DataSource | EntityManager | QueryRunner | BookkeepingPool;

interface Result<T> {
  records: T[];
  affected: number;
}

/**
 * Runs one statement and returns its rows and count, the same shape for every command: TypeORM's
 * plain `query()` answers `UPDATE … RETURNING` and `DELETE … RETURNING` with `[rows, count]` but a
 * SELECT or INSERT with the rows alone.
 */
async function run<T>(db: Db, sql: string, params: readonly unknown[], name?: string): Promise<Result<T>> {
  if (db instanceof BookkeepingPool) {
    const r = await db.query(sql, params as unknown[], name);
    return { records: r.rows as T[], affected: r.rowCount ?? 0 };
  }
  const manager = 'manager' in db ? db.manager : db;
  const runner: QueryRunner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params as unknown[], true);
    return { records: (result.records ?? []) as T[], affected: result.affected ?? 0 };
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

/** The rows of a statement: SELECT, INSERT/UPDATE/DELETE … RETURNING alike. */
export async function rowsOf<T>(
  db: Db,
  sql: string,
  params: readonly unknown[] = [],
  name?: string,
): Promise<T[]> {
  return (await run<T>(db, sql, params, name)).records;
}

/** The first row of a statement, or undefined. */
export async function firstRow<T>(
  db: Db,
  sql: string,
  params: readonly unknown[] = [],
  name?: string,
): Promise<T | undefined> {
  return (await run<T>(db, sql, params, name)).records[0];
}

/** How many rows an INSERT/UPDATE/DELETE touched (no RETURNING needed). */
export async function affectedRows(
  db: Db,
  sql: string,
  params: readonly unknown[] = [],
  name?: string,
): Promise<number> {
  return (await run<never>(db, sql, params, name)).affected;
}

/** Runs a statement whose result is not needed (a write, a function called for its effect). */
export async function execute(
  db: Db,
  sql: string,
  params: readonly unknown[] = [],
  name?: string,
): Promise<void> {
  await run<never>(db, sql, params, name);
}
