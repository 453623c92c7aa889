import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { metricsRegistry } from '#libs/metrics';
import { CredentialCache } from '#libs/vendors';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, VendorClient, createVendor, product, vendorJwt } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';

const JWT_SECRET = 'jwt-secret-for-tests-0123456789abcdef';

/** How many credential checks went to the database (all api apps of this test process). */
async function databaseLookups(): Promise<number> {
  const metric = await metricsRegistry().getSingleMetric('vendor_auth_lookups_total')?.get();
  return metric?.values.find((v) => v.labels.source === 'database')?.value ?? 0;
}

/** The status a request ends with, once it ends with `status` (a notification on its way). */
const becomes = (status: number, request: () => Promise<{ statusCode: number }>) =>
  waitFor(async () => ((await request()).statusCode === status ? status : undefined), 5_000, 10);

/**
 * Two api processes (two apps on one database, each with its own cache and listening connection):
 * a vendor's credentials are checked in the database once and then from memory, and every change
 * — through the api of either process, or an operator's SQL — reaches both.
 */
describe('credential cache: keys and vendor status kept per process, changes heard at once (e2e)', () => {
  let db: TestDatabase;
  let one: NestFastifyApplication;
  let two: NestFastifyApplication;
  let ds: DataSource;
  let vendorId: string;
  let adminOnOne: VendorClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url, { ADMIN_API_KEY: ADMIN_KEY, JWT_SECRET });
    one = await createApiApp(config);
    two = await createApiApp(config);
    ds = await db.owner();
    const created = await createVendor(one, 'cached-vendor');
    vendorId = created.vendorId;
    adminOnOne = created.client;
    await adminOnOne.request('POST', '/products', product('CACHE-1'));
  });

  afterAll(async () => {
    await one.close();
    await two.close();
    await db.drop();
  });

  const cacheOf = (app: NestFastifyApplication) => app.get(CredentialCache);
  const issue = async (role: string) => {
    const res = await adminOnOne.request('POST', '/api-keys', { name: `key ${role}`, role });
    return res.json() as { id: string; key: string };
  };
  /** Waits until both processes listen, then makes one request so the key is cached on `app`. */
  const warm = async (app: NestFastifyApplication, client: VendorClient) => {
    await waitFor(async () => {
      await client.request('GET', '/search?q=product');
      return cacheOf(app).serving ? true : undefined;
    });
    expect((await client.request('GET', '/search?q=product')).statusCode).toBe(200);
  };

  it('checks a key in the database once, then answers from memory', async () => {
    await warm(two, new VendorClient(two, (await issue('analyst')).key, vendorId));
    const onTwo = new VendorClient(two, (await issue('analyst')).key, vendorId);
    const before = await databaseLookups();
    for (let i = 0; i < 5; i++)
      expect((await onTwo.request('GET', '/search?q=product')).statusCode).toBe(200);
    expect(await databaseLookups()).toBe(before + 1);
  });

  it('refuses a key revoked through the other process as soon as the notification arrives', async () => {
    const key = await issue('editor');
    const onTwo = new VendorClient(two, key.key, vendorId);
    await warm(two, onTwo);
    const revoked = Date.now();
    expect((await adminOnOne.request('DELETE', `/api-keys/${key.id}`)).statusCode).toBe(200);
    await becomes(401, () => onTwo.request('GET', '/search?q=product'));
    expect(Date.now() - revoked).toBeLessThan(2_000);
    const res = await onTwo.request('GET', '/search?q=product');
    expect(res.json().error.code).toBe('api_key_revoked');
    // and through the process that revoked it, on the very next request
    expect((await new VendorClient(one, key.key, vendorId).request('GET', '/search')).statusCode).toBe(401);
  });

  it("hears an operator's SQL: a revocation, a role change, a suspension", async () => {
    const editor = await issue('editor');
    const onOne = new VendorClient(one, editor.key, vendorId);
    const onTwo = new VendorClient(two, editor.key, vendorId);
    await warm(one, onOne);
    await warm(two, onTwo);
    expect((await onTwo.request('POST', '/products', product('CACHE-2'))).statusCode).toBe(201);

    await ds.query(`UPDATE vendor_api_keys SET role = 'analyst' WHERE id = $1`, [editor.id]);
    await becomes(403, () => onTwo.request('POST', '/products', product('CACHE-3')));
    await becomes(403, () => onOne.request('POST', '/products', product('CACHE-3')));

    const jwt = await vendorJwt(JWT_SECRET, { vendor_id: vendorId, role: 'analyst' });
    const jwtOnTwo = new VendorClient(two, jwt, vendorId);
    expect((await jwtOnTwo.request('GET', '/search?q=product')).statusCode).toBe(200);
    await ds.query(`UPDATE vendors SET status = 'suspended' WHERE id = $1`, [vendorId]);
    await becomes(403, () => jwtOnTwo.request('GET', '/search?q=product'));
    await becomes(403, () => onOne.request('GET', '/search?q=product'));
    await ds.query(`UPDATE vendors SET status = 'active' WHERE id = $1`, [vendorId]);
    await becomes(200, () => jwtOnTwo.request('GET', '/search?q=product'));

    await ds.query(`UPDATE vendor_api_keys SET revoked_at = now() WHERE id = $1`, [editor.id]);
    await becomes(401, () => onTwo.request('GET', '/search?q=product'));
    await becomes(401, () => onOne.request('GET', '/search?q=product'));
  });

  it('stops serving from memory while its listening connection is down, and listens again', async () => {
    const key = await issue('analyst');
    const onTwo = new VendorClient(two, key.key, vendorId);
    await warm(one, new VendorClient(one, key.key, vendorId));
    await warm(two, onTwo);
    await ds.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'credential-cache-listener' AND datname = current_database()`,
    );
    await waitFor(async () => (cacheOf(two).serving ? undefined : true), 5_000, 10);
    // a change no notification will tell: with the listener gone, it is read from the database
    await ds.query(`ALTER TABLE vendor_api_keys DISABLE TRIGGER vendor_api_keys_credentials_changed`);
    try {
      await ds.query(`UPDATE vendor_api_keys SET revoked_at = now() WHERE id = $1`, [key.id]);
      expect((await onTwo.request('GET', '/search?q=product')).statusCode).toBe(401);
    } finally {
      await ds.query(`ALTER TABLE vendor_api_keys ENABLE TRIGGER vendor_api_keys_credentials_changed`);
    }
    // the next requests bring the listener back, and notifications work again
    const next = await issue('analyst');
    const nextOnTwo = new VendorClient(two, next.key, vendorId);
    await warm(two, nextOnTwo);
    const before = await databaseLookups();
    expect((await nextOnTwo.request('GET', '/search?q=product')).statusCode).toBe(200);
    expect(await databaseLookups()).toBe(before);
    await ds.query(`UPDATE vendor_api_keys SET revoked_at = now() WHERE id = $1`, [next.id]);
    await becomes(401, () => nextOnTwo.request('GET', '/search?q=product'));
  });

  it('keeps no answer read while a change was being announced', async () => {
    const cache = cacheOf(two);
    await waitFor(async () => (cache.serving ? true : undefined));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let loads = 0;
    const load = async () => {
      loads++;
      await gate;
      return { vendor: 'v-1' };
    };
    const inFlight = cache.get('test\nrace', load, (v) => v.vendor);
    cache.forgetVendor('v-1');
    release();
    await inFlight;
    await cache.get('test\nrace', load, (v) => v.vendor);
    expect(loads).toBe(2);
    await cache.get('test\nrace', load, (v) => v.vendor);
    expect(loads).toBe(2);
  });
});
