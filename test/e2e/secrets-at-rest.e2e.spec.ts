import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApiApp } from '../support/api-app.js';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { MailDeliveryService } from '../../libs/mail/src/index.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { SmtpReceiver } from '../support/smtp-receiver.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';

/**
 * Security regression: idempotency_keys kept whole responses in the clear for 24 h (API keys,
 * signing secrets, session tokens, health profiles), and the anonymous scope (the client address)
 * could hand one client's session token to another behind the same address.
 */
describe('secrets and health data stay out of side tables (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let smtp: SmtpReceiver;
  let v: VendorClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await new SmtpReceiver().start();
    const config = testConfig(db.url, {
      ADMIN_API_KEY: ADMIN_KEY,
      SMTP_URL: smtp.url,
      WEBHOOKS_ALLOW_HTTP: 'true',
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
    });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    ds = await db.owner();
    v = (await createVendor(app, 'sealed')).client;
  });

  afterAll(async () => {
    await Promise.all([app.close(), worker.close()]);
    await smtp.stop();
    await db.drop();
  });

  const everything = async () =>
    JSON.stringify([
      await ds.query(`SELECT *, encode(response_sealed, 'escape') AS sealed_text FROM idempotency_keys`),
      await ds.query(`SELECT * FROM mail_outbox`),
    ]);

  it('keeps no API key, signing secret, session token or health value in idempotency_keys or mail_outbox', async () => {
    const adminCreate = () =>
      app.inject({
        method: 'POST',
        url: '/api/v1/admin/vendors',
        headers: { 'x-admin-key': ADMIN_KEY, 'idempotency-key': 'admin-create-1' },
        payload: { slug: 'second', name: 'Second', category: 'grocery' },
      });
    const created = await adminCreate();
    expect(created.statusCode).toBe(201);
    const vendorKey: string = created.json().api_key.key;
    // the platform admin is an authenticated scope: its replay returns the same key
    const adminReplay = await adminCreate();
    expect(adminReplay.headers['idempotent-replayed']).toBe('true');
    expect(adminReplay.json().api_key.key).toBe(vendorKey);

    const keyRes = await v.request(
      'POST',
      '/api-keys',
      { name: 'ci', role: 'editor' },
      { 'idempotency-key': 'k-1' },
    );
    const apiKey: string = keyRes.json().key;
    expect(apiKey).toMatch(/^vk_/);
    const replay = await v.request(
      'POST',
      '/api-keys',
      { name: 'ci', role: 'editor' },
      { 'idempotency-key': 'k-1' },
    );
    expect(replay.json().key).toBe(apiKey); // sealed, and still replayed to its own vendor

    const ep = await v.request(
      'POST',
      '/webhooks/endpoints',
      { url: 'http://127.0.0.1:9/hook', events: ['product.deleted'] },
      { 'idempotency-key': 'ep-1' },
    );
    expect(ep.statusCode).toBe(201);
    const whsec: string = ep.json().secret;
    expect(whsec).toMatch(/^whsec_/);

    const session = await app.inject({
      method: 'POST',
      url: '/api/v1/calculator/sessions',
      headers: { 'idempotency-key': 'anon-session-1' },
    });
    expect(session.statusCode).toBe(201);
    const { id: sessionId, session_token: sessionToken } = session.json();

    const customer = await v.request(
      'POST',
      '/customers',
      {
        external_id: 'C-SEALED',
        email: 'sealed@example.com',
        health_profile: { sex: 'female', age: 52, conditions: ['ckd'], notes: 'takes warfarin daily' },
      },
      { 'idempotency-key': 'cust-1' },
    );
    expect(customer.statusCode).toBe(201);

    // a resume e-mail (a link carrying a session token) is delivered, then its body is dropped
    await app.inject({
      method: 'PATCH',
      url: `/api/v1/calculator/sessions/${sessionId}`,
      headers: { 'x-session-token': sessionToken },
      payload: { email: 'sealed.person@example.com' },
    });
    await app.inject({
      method: 'POST',
      url: '/api/v1/calculator/sessions/resume',
      payload: { email: 'sealed.person@example.com' },
    });
    const mail = await smtp.waitFor('sealed.person@example.com');
    const mailed = /session_token=([A-Za-z0-9_-]{43})/.exec(mail.decoded)![1]!;
    await waitFor(async () => {
      const [row] = await ds.query(
        `SELECT status FROM mail_outbox WHERE to_address = 'sealed.person@example.com'`,
      );
      return row?.status === 'sent' ? row : undefined;
    });

    const text = await everything();
    expect(text).toContain('anon-session-1'); // the rows are there …
    for (const secret of [
      vendorKey,
      apiKey,
      whsec,
      sessionToken,
      mailed,
      'vk_',
      'whsec_',
      'warfarin',
      'ckd',
    ]) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false }); // … their secrets are not
    }
  });

  it('never replays a secret to an anonymous caller (two clients behind one address, same key)', async () => {
    const create = () =>
      app.inject({
        method: 'POST',
        url: '/api/v1/calculator/sessions',
        headers: { 'idempotency-key': 'shared-key' },
      });
    const first = await create();
    expect(first.statusCode).toBe(201);
    const second = await create();
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('idempotency_replay_refused');
    expect(second.body).not.toContain(first.json().session_token);
  });

  it('clears bodies of mail kept without SMTP after the retention, and deletes old rows', async () => {
    await ds.query(
      `INSERT INTO mail_outbox (template, to_address, subject, text_body, html_body, status, created_at) VALUES
         ('resume', 'old@example.com', 's', 'link #session_token=abc', '<a>x</a>', 'stored', now() - interval '2 days'),
         ('resume', 'new@example.com', 's', 'link #session_token=def', '<a>y</a>', 'stored', now()),
         ('resume', 'ancient@example.com', 's', NULL, NULL, 'sent', now() - interval '40 days')`,
    );
    const purged = await worker.get(MailDeliveryService).purge();
    expect(purged.cleared).toBeGreaterThanOrEqual(1);
    expect(purged.deleted).toBe(1);
    const rows = await ds.query(
      `SELECT to_address, text_body, html_body FROM mail_outbox WHERE to_address IN ('old@example.com', 'new@example.com', 'ancient@example.com') ORDER BY 1`,
    );
    expect(rows).toEqual([
      { to_address: 'new@example.com', text_body: 'link #session_token=def', html_body: '<a>y</a>' },
      { to_address: 'old@example.com', text_body: null, html_body: null },
    ]);
  });
});
