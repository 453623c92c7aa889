import dns from 'node:dns';
import os from 'node:os';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApiApp } from '../support/api-app.js';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { postWebhook } from '../../libs/webhooks/src/http-delivery.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';
import { WebhookReceiver, verifyDelivery } from '../support/webhook-receiver.js';

/** The machine's own name resolving to a loopback or private address (not a literal, not "localhost"). */
const LOOPBACK_NAME = await (async () => {
  for (const name of [os.hostname(), 'localhost.localdomain', 'ip6-localhost']) {
    if (
      await dns.promises.lookup(name).then(
        () => true,
        () => false,
      )
    )
      return name;
  }
  console.warn('SKIPPED "refuses at connect time a hostname…": no local name resolves on this machine');
  return undefined;
})();

describe('webhooks: signed, retried, dead-lettered, replayed (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let v: VendorClient;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    db = await createTestDatabase();
    receiver = await new WebhookReceiver().start();
    const config = testConfig(db.url, {
      ADMIN_API_KEY: ADMIN_KEY,
      WEBHOOKS_ALLOW_HTTP: 'true',
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOKS_TIMEOUT_MS: '700',
      WEBHOOKS_RETRY_SCHEDULE_SECONDS: '0.2,0.2,0.2',
    });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    ds = await db.owner();
    v = (await createVendor(app, 'hooked')).client;
  });

  afterAll(async () => {
    await Promise.all([app.close(), worker.close()]);
    await receiver.stop();
    await db.drop();
  });

  const endpoint = async (path: string, events = ['webhook.test']) => {
    const res = await v.request('POST', '/webhooks/endpoints', { url: `${receiver.url}${path}`, events });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; secret: string };
  };
  const test = async (id: string) => (await v.request('POST', `/webhooks/endpoints/${id}/test`)).json();
  const delivery = async (id: string) =>
    (await v.request('GET', `/webhooks/deliveries?limit=200`))
      .json()
      .data.find((d: { id: string }) => d.id === id);

  it('signs every delivery so the standardwebhooks package (and X-Signature) verify it', async () => {
    const ep = await endpoint('/ok');
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const { event_id, delivery_id } = await test(ep.id);
    const [r] = await receiver.waitFor('/ok');
    expect(verifyDelivery(r!, ep.secret)).toMatchObject({
      id: event_id,
      type: 'webhook.test',
      data: { endpoint_id: ep.id },
    });
    expect(r!.headers['webhook-id']).toBe(event_id);
    const d = await waitFor(async () => {
      const x = await delivery(delivery_id);
      return x.status === 'succeeded' ? x : undefined;
    });
    expect(d).toMatchObject({
      attempts: 1,
      last_status: 200,
      attempt_log: [expect.objectContaining({ status: 200 })],
    });
    // Secrets are stored sealed; the endpoint row holds only a reference.
    const [row] = await ds.query(`SELECT secret_ref FROM webhook_endpoints WHERE id = $1`, [ep.id]);
    const [sealed] = await ds.query(`SELECT ciphertext FROM vault_secrets WHERE id = $1`, [row.secret_ref]);
    expect(Buffer.from(sealed.ciphertext).toString('latin1')).not.toContain(ep.secret.slice(6, 20));
  });

  it('retries after a 500 and succeeds, with the same webhook-id', async () => {
    receiver.script('/flaky', [500, 503, 200]);
    const ep = await endpoint('/flaky');
    const { delivery_id } = await test(ep.id);
    const got = await receiver.waitFor('/flaky', 3);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const r of got) verifyDelivery(r, ep.secret);
    const d = await waitFor(async () => {
      const x = await delivery(delivery_id);
      return x.status === 'succeeded' ? x : undefined;
    });
    expect(d.attempt_log.map((a: { status: number }) => a.status)).toEqual([500, 503, 200]);
  });

  it('dead-letters after the last attempt, and a replay delivers it', async () => {
    receiver.script('/down', [500]);
    const ep = await endpoint('/down');
    const { delivery_id } = await test(ep.id);
    // four attempts; a retry is picked up by the worker's poll (up to 5 s with LISTEN on: retries
    // are not announced), so allow for three polls and a busy machine
    const dead = await waitFor(async () => {
      const x = await delivery(delivery_id);
      return x.status === 'dead' ? x : undefined;
    }, 45_000);
    expect(dead.attempts).toBe(4);
    const listed = (await v.request('GET', '/webhooks/deliveries?status=dead')).json().data;
    expect(listed.map((x: { id: string }) => x.id)).toContain(delivery_id);
    receiver.script('/down', [200]);
    expect((await v.request('POST', `/webhooks/deliveries/${delivery_id}/replay`)).json()).toEqual({
      delivery_id,
      status: 'pending',
    });
    await waitFor(async () => ((await delivery(delivery_id)).status === 'succeeded' ? true : undefined));
    const all = receiver.on('/down');
    expect(new Set(all.map((r) => r.headers['webhook-id'])).size).toBe(1);
  }, 90_000);

  it('disables an endpoint that answers 410 and e-mails the vendor contact', async () => {
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/vendors/${v.vendorId}`,
      headers: { 'x-admin-key': ADMIN_KEY },
      payload: { contact_email: 'ops@hooked.example' },
    });
    expect(patched.json().contact_email).toBe('ops@hooked.example');
    receiver.script('/gone', [410]);
    const ep = await endpoint('/gone');
    const { delivery_id } = await test(ep.id);
    await waitFor(async () => ((await delivery(delivery_id)).status === 'dead' ? true : undefined));
    const e = (await v.request('GET', `/webhooks/endpoints/${ep.id}`)).json();
    expect(e).toMatchObject({ enabled: false, disabled_reason: expect.stringMatching(/410/) });
    const [mail] = await ds.query(`SELECT subject FROM mail_outbox WHERE to_address = 'ops@hooked.example'`);
    expect(mail.subject).toBe('A webhook endpoint was disabled');
    expect(receiver.on('/gone')).toHaveLength(1);
  });

  it('treats a timeout and a redirect as failures (the redirect is not followed)', async () => {
    receiver.script('/slow', [200], { delayMs: 2000 });
    receiver.script('/moved', [302], { headers: { location: '/elsewhere' } });
    const slow = await endpoint('/slow');
    const moved = await endpoint('/moved');
    const s = await test(slow.id);
    const m = await test(moved.id);
    const ds1 = await waitFor(async () => {
      const x = await delivery(s.delivery_id);
      return x.attempts >= 1 ? x : undefined;
    });
    expect(ds1.attempt_log[0]).toMatchObject({ status: null, error: expect.stringMatching(/timeout/) });
    const dm = await waitFor(async () => {
      const x = await delivery(m.delivery_id);
      return x.attempts >= 1 ? x : undefined;
    });
    expect(dm.attempt_log[0]).toMatchObject({ status: 302 });
    expect(receiver.on('/elsewhere')).toHaveLength(0);
  });

  it('signs with both secrets during a rotation', async () => {
    const ep = await endpoint('/rotate');
    const rotated = (await v.request('POST', `/webhooks/endpoints/${ep.id}/rotate-secret`)).json();
    expect(rotated.secret).not.toBe(ep.secret);
    expect(new Date(rotated.previous_secret_until).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    await test(ep.id);
    const [r] = await receiver.waitFor('/rotate');
    expect(String(r!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(() => verifyDelivery(r!, rotated.secret)).not.toThrow();
    // A receiver still on the old secret verifies the v1 signature too.
    expect(() =>
      verifyDelivery({ ...r!, headers: { ...r!.headers, 'x-signature': undefined } }, ep.secret),
    ).toThrow(/X-Signature/);
  });

  it('emits product.deleted and customer.health_profile.updated (without the health data)', async () => {
    const ep = await endpoint('/events', ['product.deleted', 'customer.health_profile.updated']);
    const created = (await v.request('POST', '/products', { external_id: 'W-1', name: 'Hooked bar' })).json();
    expect((await v.request('DELETE', `/products/${created.id}`)).statusCode).toBe(204);
    const customer = (
      await v.request('POST', '/customers', {
        external_id: 'W-C',
        health_profile: { allergies: ['peanuts'] },
      })
    ).json();
    const got = await receiver.waitFor('/events', 2);
    const payloads = got.map(
      (r) => verifyDelivery(r, ep.secret) as { type: string; data: Record<string, unknown> },
    );
    expect(payloads.map((p) => p.type).sort()).toEqual([
      'customer.health_profile.updated',
      'product.deleted',
    ]);
    expect(payloads.find((p) => p.type === 'product.deleted')!.data).toEqual({
      product_id: created.id,
      external_id: 'W-1',
    });
    expect(payloads.find((p) => p.type !== 'product.deleted')!.data).toEqual({ customer_id: customer.id });
    expect(JSON.stringify(payloads)).not.toContain('peanuts');
  });

  it('keeps endpoints per vendor and validates input', async () => {
    const other = (await createVendor(app, 'other-hooked')).client;
    const ep = await endpoint('/mine');
    expect((await other.request('GET', `/webhooks/endpoints/${ep.id}`)).statusCode).toBe(404);
    expect((await other.request('POST', `/webhooks/endpoints/${ep.id}/test`)).statusCode).toBe(404);
    const bad = await v.request('POST', '/webhooks/endpoints', { url: 'ftp://x', events: ['nope'] });
    expect(bad.statusCode).toBe(400);
    const ftp = await v.request('POST', '/webhooks/endpoints', {
      url: 'ftp://x.example',
      events: ['webhook.test'],
    });
    expect([ftp.statusCode, ftp.json().error.code]).toEqual([422, 'invalid_webhook_url']);
  });
});

describe('webhook SSRF protection (private targets not allowed)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let v: VendorClient;
  const policy = { allowHttp: true, allowPrivateTargets: false, timeoutMs: 2000 };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createApiApp(testConfig(db.url, { ADMIN_API_KEY: ADMIN_KEY, WEBHOOKS_ALLOW_HTTP: 'true' }));
    v = (await createVendor(app, 'ssrf')).client;
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it.each([
    'http://127.0.0.1/hook',
    'http://10.0.0.5/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::1]/hook',
    'http://100.64.1.1/hook',
    'http://localhost:8080/hook',
  ])('refuses to register %s', async (url) => {
    const res = await v.request('POST', '/webhooks/endpoints', { url, events: ['webhook.test'] });
    expect([res.statusCode, res.json().error.code]).toEqual([422, 'invalid_webhook_url']);
  });

  // skipped by name (not passed silently) where none of these names resolves on the machine
  (LOOPBACK_NAME ? it : it.skip)(
    'refuses at connect time a hostname that resolves to a private address',
    async () => {
      const host = LOOPBACK_NAME!;
      const r = await postWebhook(`http://${host}:9/hook`, '{}', {}, policy);
      expect(r.status).toBeNull();
      expect(r.error).toMatch(/refused target/);
    },
  );

  it('refuses https-less URLs unless WEBHOOKS_ALLOW_HTTP', async () => {
    const r = await postWebhook('http://example.com/hook', '{}', {}, { ...policy, allowHttp: false });
    expect(r.error).toMatch(/must be https/);
  });
});
