import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '#libs/config';
import { createDataSource, migrateUp } from '#libs/db';
import { ensureDatabase, startEmbeddedPostgres } from '#libs/db/embedded';
import { installQueueSchema } from '#libs/queue';

/**
 * Starts one PostgreSQL for the whole run (embedded unless DATABASE_URL is set) and migrates a
 * template database once; test files copy it (CREATE DATABASE … TEMPLATE) in a few hundred ms.
 */
export default async function globalSetup(): Promise<void> {
  // the integration and e2e projects both name this setup; the second finds the server running
  if (process.env.TEST_PG_TEMPLATE) return;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nrp-test-pg-'));
    await chmod(dir, 0o755); // the postgres OS user (when run as root) must reach the cluster
    const pg = await startEmbeddedPostgres({
      dir: path.join(dir, 'cluster'),
      database: 'postgres',
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    (globalThis as { __TEST_PG__?: unknown }).__TEST_PG__ = { stop: pg.stop, dir };
    adminUrl = pg.adminUrl;
  }
  const template = `nrp_template_${process.pid}`;
  const templateUrl = withDatabase(adminUrl, template);
  await ensureDatabase(adminUrl, template);
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: templateUrl });
  const ds = await createDataSource(config, {
    applicationName: 'test-setup',
    statementTimeoutMs: 0,
    poolMax: 2,
  }).initialize();
  await migrateUp(ds);
  await ds.destroy();
  await installQueueSchema(templateUrl, config.queue.schema);
  process.env.TEST_PG_ADMIN_URL = adminUrl;
  process.env.TEST_PG_TEMPLATE = template;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
