import type { INestApplicationContext } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { QueueService } from '#libs/queue';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from '#libs/metrics';
import { startHealthServer } from '../../apps/worker/src/health-server.js';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { waitFor } from '../support/wait.js';

describe('worker', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('runs a job through its handler', async () => {
    const app = await createWorkerApp(testConfig(db.url));
    try {
      const ds = app.get(DataSource);
      await ds.query(
        `INSERT INTO rate_limit_counters VALUES ('old', now() - interval '2 hours', 1, now() - interval '1 hour')`,
      );
      const id = await app.get(QueueService).send('rate-limit.purge', {});
      await waitFor(async () => {
        const rows: { state: string }[] = await ds.query(`SELECT state FROM pgboss.job WHERE id = $1`, [id]);
        return rows[0]?.state === 'completed' ? true : undefined;
      });
      expect(await ds.query(`SELECT * FROM rate_limit_counters WHERE bucket = 'old'`)).toHaveLength(0);

      // The worker's own health port reports liveness and its job outcome counters.
      let healthy = true;
      const server = startHealthServer(
        0,
        () => healthy,
        () => metricsRegistry().metrics(),
      );
      await new Promise((r) => server.once('listening', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(
        /worker_jobs_total\{queue="rate-limit.purge",outcome="completed"\} [1-9]/,
      );
      healthy = false;
      expect((await fetch(`${base}/health`)).status).toBe(503);
      server.close();
    } finally {
      await app.close();
    }
  });

  it('stops gracefully: a job in flight finishes before the worker exits', async () => {
    const app: INestApplicationContext = await createWorkerApp(testConfig(db.url));
    const ds = app.get(DataSource);
    // Hold a lock the purge job needs, so the job stays in flight until we let go.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE rate_limit_counters IN ACCESS EXCLUSIVE MODE');
    const id = await app.get(QueueService).send('rate-limit.purge', {});
    await waitFor(async () => {
      const rows: { state: string }[] = await blocker
        .query(`SELECT state FROM pgboss.job WHERE id = $1`, [id])
        .then((r) => r.rows);
      return rows[0]?.state === 'active' ? true : undefined;
    });

    let closed = false;
    const closing = app.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 700));
    expect(closed).toBe(false); // still waiting for the job
    await blocker.query('COMMIT');
    await closing;
    const state = await blocker.query(`SELECT state FROM pgboss.job WHERE id = $1`, [id]);
    expect(state.rows[0].state).toBe('completed');
    await blocker.end();
    expect(ds.isInitialized).toBe(false);
  });
});
