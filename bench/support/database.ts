import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '#libs/config';
import { ensureDatabase, startEmbeddedPostgres } from '#libs/db/embedded';
import { migrateAll } from '../../scripts/database.js';

export interface BenchDatabase {
  url: string;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database for one benchmark run: a database on DATABASE_URL's server when set,
 * otherwise an embedded PostgreSQL in a temporary directory (removed afterwards).
 */
export async function benchDatabase(name = `bench_${Date.now()}`): Promise<BenchDatabase> {
  let adminUrl = process.env.DATABASE_URL;
  let cleanup = async () => undefined as void;
  if (!adminUrl) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nrp-bench-pg-'));
    await chmod(dir, 0o755);
    const pg = await startEmbeddedPostgres({
      dir: path.join(dir, 'cluster'),
      database: 'postgres',
      settings: {
        shared_buffers: '512MB',
        max_wal_size: '4GB',
        max_connections: '300',
        ...(process.env.BENCH_PG_ASYNC ? { synchronous_commit: 'off' } : {}),
      },
    });
    adminUrl = pg.adminUrl;
    cleanup = async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  await ensureDatabase(adminUrl, name);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  await migrateAll(loadConfig({ ...process.env, DATABASE_URL: url }));
  return { url, close: cleanup };
}
