import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** Where a statement runs: the DataSource (a pooled connection) or a transaction's EntityManager. */
export type Db = DataSource | EntityManager;

interface Result<T> {
  records: T[];
  affected: number;
}

/**
 * Runs one statement and returns TypeORM's structured result, the same shape for every command:
 * plain `query()` answers `UPDATE … RETURNING` and `DELETE … RETURNING` with `[rows, count]` but a
 * SELECT or INSERT with the rows alone.
 */
async function run<T>(db: Db, sql: string, params: readonly unknown[]): Promise<Result<T>> {
  const manager = 'manager' in db ? db.manager : db;
  const runner: QueryRunner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params as unknown[], true);
    return { records: (result.records ?? []) as T[], affected: result.affected ?? 0 };
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

/**
 * The rows of a hand-written statement, typed by the caller from the entities
 * (`rowsOf<Pick<Product, 'id' | 'name'>>(…)`); SELECT, INSERT/UPDATE/DELETE … RETURNING alike.
 */
export async function rowsOf<T>(db: Db, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  return (await run<T>(db, sql, params)).records;
}

/** The first row of a statement, or undefined. */
export async function firstRow<T>(
  db: Db,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T | undefined> {
  return (await run<T>(db, sql, params)).records[0];
}

/** How many rows an INSERT/UPDATE/DELETE touched (no RETURNING needed). */
export async function affectedRows(db: Db, sql: string, params: readonly unknown[] = []): Promise<number> {
  return (await run<never>(db, sql, params)).affected;
}
