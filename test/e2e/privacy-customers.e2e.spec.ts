import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { Webhook } from 'standardwebhooks';
import { VaultService } from '#libs/vault';
import { freePort } from '#libs/db/embedded';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { createApiApp } from '../support/api-app.js';
import { scanDatabase, vaultOpeners } from '../support/data-scanner.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { tusUpload } from '../support/tus-upload.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/** In every field of the two customers: after erasure it may be found nowhere. */
const MARK = 'Qz7vmark';

/**
 * A customer's rights, exercised by their vendor: one customer created through the API (identity
 * and health profile), one through a customers CSV file with a rejected line naming them; each
 * exported (everything held, and who read it), then erased — one by id, one in a batch by external
 * id. Afterwards a scan of every table and column (partitions, jsonb, sealed idempotent responses
 * opened with the vault) finds the marker nowhere; the audit log has the export and erasure entries
 * (field names and digests, never values) and a signed `customer.deleted` webhook arrived.
 */
describe('a customer exported and erased by their vendor (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let receiver: WebhookReceiver;
  let ds: DataSource;
  let v: VendorClient;
  let secret: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    receiver = await new WebhookReceiver().start();
    const port = await freePort();
    const config = testConfig(db.url, {
      ADMIN_API_KEY: ADMIN_KEY,
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      WEBHOOKS_ALLOW_HTTP: 'true',
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
    });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    await app.listen({ port, host: '127.0.0.1' });
    ds = await db.owner();
    v = (await createVendor(app, 'privacy-vendor')).client;
    const endpoint = await v.request('POST', '/webhooks/endpoints', {
      url: receiver.url,
      events: ['customer.deleted'],
    });
    secret = endpoint.json().secret;
  });
  afterAll(async () => {
    await Promise.all([app?.close(), worker?.close(), receiver?.stop()]);
    await db?.drop();
  });

  const openers = () => vaultOpeners(app.get(VaultService));

  it('exports everything held about each, then erases them without a trace', async () => {
    // through the API, with its health profile (the stored response is a sealed idempotent replay)
    const created = await v.request('POST', '/customers', {
      external_id: `API-${MARK}-1`,
      email: `${MARK.toLowerCase()}.api@example.com`,
      first_name: `${MARK}Ann`,
      last_name: `${MARK}Api`,
      health_profile: {
        sex: 'female',
        age: 52,
        conditions: ['hypertension'],
        notes: `${MARK} takes warfarin nightly`,
      },
    });
    expect(created.statusCode).toBe(201);
    const apiId = created.json().id as string;
    expect((await v.request('GET', `/customers/${apiId}/health-profile`)).statusCode).toBe(200);

    // through a customers file: one good line, one line rejected for its over-long external id
    const csvExternal = `CSV-${MARK}-2`;
    const csv = [
      'external_id,email,first_name,last_name,sex,age,notes',
      `${csvExternal},${MARK.toLowerCase()}.csv@example.com,${MARK}Cas,${MARK}Csv,male,61,${MARK} insulin pump`,
      `${csvExternal}${'x'.repeat(300)},${MARK.toLowerCase()}.csv@example.com,${MARK}Cas,${MARK}Csv,male,61,${MARK}`,
    ].join('\n');
    const job = (await v.request('POST', '/ingest/csv?mode=customers', {})).json();
    await tusUpload(job.upload_url, Buffer.from(csv), v.token);
    const done = await waitFor(async () => {
      const j = (await v.request('GET', `/ingest/jobs/${job.job_id}`)).json();
      return ['completed', 'failed'].includes(j.status) ? j : undefined;
    }, 60_000);
    expect(done).toMatchObject({ status: 'completed', rows_inserted: 1, rows_failed: 1 });
    const before = await scanDatabase(ds, [MARK], { openers: openers() });
    const tables = new Set(before.get(MARK)!.map((f) => f.root.replace(/^public\./, '')));
    expect([...tables]).toEqual(
      expect.arrayContaining(['customers', 'customer_health', 'ingest_errors', 'idempotency_keys']),
    );

    // the copy: identity, health profile, the rejected line naming them, who read their data
    const copy = await v.request('GET', `/customers/${apiId}/export`);
    expect(copy.statusCode).toBe(200);
    expect(copy.json()).toMatchObject({
      customer: { external_id: `API-${MARK}-1` },
      health_profile: { notes: `${MARK} takes warfarin nightly`, conditions: ['hypertension'] },
    });
    expect(copy.json().audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining([
        'customer.health_profile.created',
        'customer.health_profile.read',
        'customer.exported',
      ]),
    );
    const csvId = (await ds.query(`SELECT id FROM customers WHERE external_id = $1`, [csvExternal]))[0].id;
    const csvCopy = (await v.request('GET', `/customers/${csvId}/export`)).json();
    expect(csvCopy.rejected_csv_lines).toEqual([
      expect.objectContaining({ column_name: 'external_id', value: expect.stringContaining(csvExternal) }),
    ]);

    // erased: one by id, one in a batch by external id (with an unknown one)
    const erased = await v.request('DELETE', `/customers/${apiId}`);
    expect(erased.json()).toEqual({ customer_id: apiId, erased: true });
    expect((await v.request('GET', `/customers/${apiId}`)).statusCode).toBe(404);
    expect((await v.request('DELETE', `/customers/${apiId}`)).statusCode).toBe(404);
    const batch = await v.request('POST', '/customers/erase', { external_ids: [csvExternal, 'NO-SUCH'] });
    expect(batch.json()).toEqual({
      erased: [{ external_id: csvExternal, customer_id: csvId }],
      not_found: ['NO-SUCH'],
    });

    const after = await scanDatabase(ds, [MARK], { openers: openers() });
    expect(after.get(MARK)).toEqual([]);

    // the audit log keeps who did what, with field names and digests only
    const entries = await ds.query(
      `SELECT action, entity_id, before FROM audit_log WHERE action IN ('customer.erased', 'customer.exported') ORDER BY id`,
    );
    expect(entries.map((e: { action: string }) => e.action)).toEqual([
      'customer.exported',
      'customer.exported',
      'customer.erased',
      'customer.erased',
    ]);
    const erasure = entries.find(
      (e: { entity_id: string; action: string }) => e.action === 'customer.erased' && e.entity_id === apiId,
    );
    expect(erasure.before).toEqual({
      identity: {
        fields: ['email', 'external_id', 'first_name', 'last_name'],
        digest: expect.stringMatching(/^hmac-sha256:/),
      },
      health_profile: expect.objectContaining({
        fields: expect.arrayContaining(['notes', 'conditions']),
        digest: expect.any(String),
      }),
    });

    // the vendor's systems hear of it (signed, the id only)
    const events = await waitFor(async () => {
      const got = receiver.received.filter((r) => JSON.parse(r.body).type === 'customer.deleted');
      return got.length === 2 ? got : undefined;
    }, 30_000);
    for (const e of events) {
      const body = new Webhook(secret).verify(e.body, e.headers as Record<string, string>) as {
        data: unknown;
      };
      expect(body.data).toEqual({ customer_id: expect.any(String) });
    }
  }, 120_000);
});
