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
}
