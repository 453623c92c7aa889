import { firstRow, rowsOf } from './typed-sql.js';
import { DataSource } from 'typeorm';

/** Every process that migrates takes this lock first, so two starts never migrate twice. */
export const MIGRATION_LOCK_KEY = 727_401_001;

async function withMigrationLock<T>(ds: DataSource, fn: () => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner('master');
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await fn();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** Applies pending migrations (each in its own transaction); returns the names applied. */
export async function migrateUp(ds: DataSource): Promise<string[]> {
  return withMigrationLock(ds, async () => {
    const applied = await ds.runMigrations({ transaction: 'each' });
    // tables a later migration added get the application roles' grants (partitions never do)
    const grants = await firstRow<{ present: boolean }>(
      ds,
      `SELECT to_regprocedure('grant_application_roles()') IS NOT NULL AS present`,
    );
    if (grants?.present) await ds.query(`SELECT grant_application_roles()`);
    return applied.map((m) => m.name);
  });
}

/** Reverts the most recent migration; returns its name, or null when none is applied. */
export async function migrateDown(ds: DataSource): Promise<string | null> {
  return withMigrationLock(ds, async () => {
    const rows = await rowsOf<{ name: string }>(
      ds,
      'SELECT name FROM schema_migrations ORDER BY timestamp DESC LIMIT 1',
    );
    if (rows.length === 0) return null;
    await ds.undoLastMigration({ transaction: 'each' });
    return rows[0]!.name;
  });
}
