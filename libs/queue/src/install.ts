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
 * The api and the worker enqueue inside their own transactions, as `nrp_app` and `nrp_platform`
 * (see the row-security and worker-role migrations): those roles need the queue's tables, when
 * they exist in this cluster.
 */
async function grantQueueSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ roles: string }>(
      `SELECT string_agg(rolname, ', ' ORDER BY rolname) AS roles FROM pg_roles WHERE rolname IN ('nrp_app', 'nrp_platform')`,
    );
    const roles = rows[0]?.roles;
    if (!roles) return;
    await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${roles}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${roles}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${roles}`);
  } finally {
    await client.end();
  }
}
