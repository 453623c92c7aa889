import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '#libs/config';

export interface TestDatabase {
  url: string;
  name: string;
  /**
   * A connection as the database's owner, for a test's own setup and assertions: the api's
   * connection runs as `nrp_app` under row-level security and sees no vendor rows outside a
   * vendor's request. Closed by drop().
   */
  owner(): Promise<DataSource>;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_PG_ADMIN_URL;
  if (!url) throw new Error('TEST_PG_ADMIN_URL is not set: run the tests through jest (globalSetup)');
  return url;
}

function urlFor(database: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own for one test file: a copy of the migrated template, or (`empty`) a
 * database with nothing in it, for migration tests.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const template = process.env.TEST_PG_TEMPLATE!;
  const name = `nrp_t_${randomBytes(5).toString('hex')}_${template.split('_').pop()}`;
  await admin(async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}"${options.empty ? '' : ` TEMPLATE "${template}"`}`);
        return;
      } catch (err) {
        // another file copying the template at the same instant
        if (attempt >= 10 || !String(err).includes('being accessed by other users')) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  let owner: Promise<DataSource> | undefined;
  return {
    url: urlFor(name),
    name,
    owner: () =>
      (owner ??= new DataSource({ type: 'postgres', url: urlFor(name), extra: { max: 3 } }).initialize()),
    drop: async () => {
      if (owner) await (await owner).destroy();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** Configuration for a test: silent logs, the given database, anything else overridden. */
export function testConfig(databaseUrl: string, env: Record<string, string> = {}): AppConfig {
  const pool: Record<string, string> = process.env.TEST_DATABASE_POOL_MAX
    ? {
        DATABASE_POOL_MAX: process.env.TEST_DATABASE_POOL_MAX,
        DATABASE_NESTED_ACQUIRE_GUARD: process.env.TEST_NESTED_ACQUIRE_GUARD ?? 'true',
      }
    : {};
  return loadConfig({
    NODE_ENV: 'test',
    // TEST_LOG_LEVEL=info (or debug) shows the apps' logs while a test is being debugged
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    PORT: '0',
    ...pool,
    ...env,
  });
}
