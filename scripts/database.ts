import path from 'node:path';
import type { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '#libs/config';
import { createDataSource, migrateDown, migrateUp } from '#libs/db';
import type { RunningPostgres } from '#libs/db/embedded';
import { installQueueSchema } from '#libs/queue';

export interface ResolvedDatabase {
  url: string;
  embedded: RunningPostgres | null;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL under DATA_DIR/postgres. */
export async function resolveDatabase(log: (line: string) => void): Promise<ResolvedDatabase> {
  const base = loadConfig(process.env, { requireDatabase: false });
  if (process.env.DATABASE_URL) return { url: base.database.url, embedded: null };
  // a development dependency: loaded only here, never by a deployment that sets DATABASE_URL
  const { runningEmbeddedPostgres, startEmbeddedPostgres } = await import('#libs/db/embedded');
  const dir = path.resolve(base.dataDir, 'postgres');
  const running = runningEmbeddedPostgres(dir, 'nutrition');
  if (running) {
    log(`using the embedded PostgreSQL already running on 127.0.0.1:${running.port}`);
    return { url: running.url, embedded: null };
  }
  const embedded = await startEmbeddedPostgres({
    dir,
    database: 'nutrition',
    port: Number(process.env.EMBEDDED_PG_PORT ?? 0),
    log: (line) => {
      if (/FATAL|PANIC|ERROR/.test(line)) log(`postgres: ${line}`);
    },
  });
  log(`embedded PostgreSQL on 127.0.0.1:${embedded.port} (data in ${dir})`);
  return { url: embedded.url, embedded };
}

export function configFor(url: string): AppConfig {
  return loadConfig({ ...process.env, DATABASE_URL: url });
}

async function withDataSource<T>(config: AppConfig, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = await createDataSource(config, {
    applicationName: 'migrate',
    statementTimeoutMs: 0,
    poolMax: 3,
  }).initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}

/** Applies our migrations and installs/upgrades pg-boss's schema. */
export async function migrateAll(config: AppConfig): Promise<string[]> {
  const applied = await withDataSource(config, migrateUp);
  await installQueueSchema(config.database.url, config.queue.schema);
  return applied;
}

export async function revertLast(config: AppConfig): Promise<string | null> {
  return withDataSource(config, migrateDown);
}
