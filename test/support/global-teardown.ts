import { rm } from 'node:fs/promises';
import pg from 'pg';

export default async function globalTeardown(): Promise<void> {
  // named by two projects: the first call tears down, the second finds nothing left
  if (!process.env.TEST_PG_TEMPLATE) return;
  const embedded = (globalThis as { __TEST_PG__?: { stop: () => Promise<void>; dir: string } }).__TEST_PG__;
  delete process.env.TEST_PG_TEMPLATE;
  if (embedded) {
    await embedded.stop();
    await rm(embedded.dir, { recursive: true, force: true });
    return;
  }
  // External server: drop what this run created.
  const client = new pg.Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
  await client.connect();
  const { rows } = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'nrp\\_%' AND datname LIKE $1`,
    [`%_${process.pid}%`],
  );
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await client.end();
}
