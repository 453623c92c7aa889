import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';
import { workerProcesses } from '../support/worker-processes.js';
import { WebhookReceiver, verifyDelivery } from '../support/webhook-receiver.js';

/**
 * A worker killed (SIGKILL) in the middle of a delivery: the job expires, another worker takes it
 * and delivers again with the same webhook-id, so the receiver can tell it is a repeat.
 */
describe('webhook delivery survives a killed worker (integration)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let receiver: WebhookReceiver;
  let v: VendorClient;
  let env: NodeJS.ProcessEnv;

  const workers = workerProcesses(() => env);
  const startWorker = () => workers.start();

  beforeAll(async () => {
    db = await createTestDatabase();
    receiver = await new WebhookReceiver().start();
    const settings = {
      ADMIN_API_KEY: ADMIN_KEY,
      WEBHOOKS_ALLOW_HTTP: 'true',
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOKS_TIMEOUT_MS: '1500',
      QUEUE_SUPERVISE_INTERVAL_SECONDS: '1',
    };
    env = {
      ...process.env,
      ...settings,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      WORKER_QUEUES: 'webhook.deliver',
    };
    app = await createApiApp(testConfig(db.url, settings));
    v = (await createVendor(app, 'crashy')).client;
  });

  afterAll(async () => {
    workers.killAll();
    await app.close();
    await receiver.stop();
    await db.drop();
  });

  it('delivers again with the same webhook-id after the first worker dies mid-request', async () => {
    receiver.script('/crash', [200], { delayMs: 10_000 });
    const ep = (
      await v.request('POST', '/webhooks/endpoints', {
        url: `${receiver.url}/crash`,
        events: ['webhook.test'],
      })
    ).json();
    const first = startWorker();
    const { delivery_id } = (await v.request('POST', `/webhooks/endpoints/${ep.id}/test`)).json();
    const [inFlight] = await receiver.waitFor('/crash', 1, 30_000);
    first.kill('SIGKILL');
    receiver.script('/crash', [200]);
    startWorker();
    const all = await receiver.waitFor('/crash', 2, 45_000);
    expect(all[1]!.headers['webhook-id']).toBe(inFlight!.headers['webhook-id']);
    verifyDelivery(all[1]!, ep.secret);
    const d = await waitFor(async () => {
      const list = (await v.request('GET', '/webhooks/deliveries')).json().data;
      const x = list.find((y: { id: string }) => y.id === delivery_id);
      return x?.status === 'succeeded' ? x : undefined;
    });
    // The killed attempt never got to record itself; the one that finished did.
    expect(d).toMatchObject({ attempts: 1, last_status: 200 });
  }, 90_000);
});
