import pg from 'pg';
import { PgBoss } from 'pg-boss';

/** Installs or upgrades pg-boss's own schema; run by the migrate command, not by process start. */
export async function installQueueSchema(connectionString: string, schema: string): Promise<void> {
  const boss = new PgBoss({
    connectionString,
    schema,
    max: 2,
    supervise: false,
    schedule: false,
    migrate: true,
  });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.stop({ graceful: false, close: true });
  await grantQueueSchema(connectionString, schema);
}

/**
 * The api enqueues inside its own transactions, as `nrp_app` (see the row-security migration):
 * that role needs the queue's tables, when it exists in this cluster.
 */
async function grantQueueSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT 1 FROM pg_roles WHERE rolname = 'nrp_app'`);
    if (rows.length === 0) return;
    await client.query(`GRANT USAGE ON SCHEMA ${schema} TO nrp_app`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO nrp_app`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO nrp_app`);
  } finally {
    await client.end();
  }
}
