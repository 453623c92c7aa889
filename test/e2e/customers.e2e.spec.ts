import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApiApp } from '../support/api-app.js';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { uuidV5 } from '../../libs/vendors/src/deterministic-id.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';

const MAN = { sex: 'male', age: 35, height_cm: 180, weight_kg: 80, activity_level: 'moderate' };

describe('customers: health profiles, derivations, diet rules, audit (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let a: VendorClient;
  let b: VendorClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url, { ADMIN_API_KEY: ADMIN_KEY });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    ds = await db.owner();
    a = (await createVendor(app, 'clinic-a')).client;
    b = (await createVendor(app, 'clinic-b')).client;
  });

  afterAll(async () => {
    await Promise.all([app.close(), worker.close()]);
    await db.drop();
  });

  const createCustomer = async (externalId: string, health?: object) => {
    const res = await a.request('POST', '/customers', {
      external_id: externalId,
      email: `${externalId}@example.com`,
      health_profile: health,
    });
    expect(res.statusCode).toBe(201);
    return res.json();
  };
  const auditFor = async (id: string) =>
    (await a.request('GET', `/audit-log?entity=customer&entity_id=${id}`)).json().data as {
      action: string;
      before: unknown;
      after: unknown;
    }[];

  it('seeds the default diet rules, each with its source', async () => {
    const rules = (await a.request('GET', '/diet-rules')).json();
    expect(rules.map((r: { condition_code: string }) => r.condition_code)).toEqual([
      'celiac',
      'ckd',
      'diabetes',
      'gout',
      'heart_disease',
      'hypertension',
      'lactose_intolerance',
    ]);
    for (const r of rules)
      expect(r).toMatchObject({ is_default: true, source: expect.stringMatching(/.{30,}/) });
    expect(
      rules.find((r: { condition_code: string }) => r.condition_code === 'hypertension').policy.daily_limits,
    ).toEqual({
      sodium_mg: 1500,
    });
  });

  it('derives BMR (Mifflin-St Jeor) and TDEE from the profile: worked examples', async () => {
    const man = await createCustomer('C-MAN', MAN);
    const hp = (await a.request('GET', `/customers/${man.id}/health-profile`)).json();
    // 10·80 + 6.25·180 − 5·35 + 5 = 1755; × 1.55 (moderate) = 2720.25
    expect(hp.bmr).toBeCloseTo(1755, 1);
    expect(hp.tdee_cached).toBeCloseTo(2720.25, 0);
    const woman = await createCustomer('C-WOMAN', {
      sex: 'female',
      birth_date: `${new Date().getUTCFullYear() - 31}-01-01`,
      height_cm: 165,
      weight_kg: 60,
      activity_level: 'sedentary',
    });
    const hw = (await a.request('GET', `/customers/${woman.id}/health-profile`)).json();
    // Born on 1 January 31 years ago: 31 today. 600 + 1031.25 − 5·31 − 161 = 1315.25; × 1.2
    const age = 31;
    expect(hw.bmr).toBeCloseTo(600 + 1031.25 - 5 * age - 161, 1);
    expect(hw.tdee_cached).toBeCloseTo((600 + 1031.25 - 5 * age - 161) * 1.2, 0);
    const unknown = await createCustomer('C-NONE', { conditions: ['hypertension'] });
    const hn = (await a.request('GET', `/customers/${unknown.id}/health-profile`)).json();
    expect([hn.bmr, hn.tdee_cached]).toEqual([null, null]);
  });

  it('lets the most restrictive limit win when two conditions limit the same nutrient', async () => {
    const c = await createCustomer('C-TWO', { ...MAN, conditions: ['ckd', 'hypertension', 'celiac'] });
    const hp = (await a.request('GET', `/customers/${c.id}/health-profile`)).json();
    expect(hp.derived_limits).toMatchObject({
      daily_limits: { sodium_mg: 1500, potassium_mg: 2000 },
      require_tags: ['gluten_free'],
      exclude_allergens: ['gluten_cereals'],
      conditions: ['celiac', 'ckd', 'hypertension'],
    });
    expect(hp.derived_limits.per_meal_fraction).toBeCloseTo(1 / 3, 3);
  });

  it('re-derives every customer holding a condition when its rule changes (background, set-based)', async () => {
    const c = await createCustomer('C-RULE', { ...MAN, conditions: ['ckd'] });
    const other = await createCustomer('C-OTHER', { ...MAN, conditions: ['gout'] });
    const put = await a.request('PUT', '/diet-rules/ckd', {
      policy: { daily_limits: { sodium_mg: 1200, potassium_mg: 2500 }, per_meal_fraction: 0.25 },
      source: 'clinic policy',
    });
    expect(put.json()).toMatchObject({ is_default: false, policy: { daily_limits: { sodium_mg: 1200 } } });
    const updated = await waitFor(async () => {
      const [row] = await ds.query(`SELECT derived_limits FROM customer_health WHERE customer_id = $1`, [
        c.id,
      ]);
      return row.derived_limits.daily_limits.sodium_mg === 1200 ? row.derived_limits : undefined;
    });
    expect(updated).toMatchObject({ daily_limits: { potassium_mg: 2500 }, per_meal_fraction: 0.25 });
    const [untouched] = await ds.query(`SELECT derived_limits FROM customer_health WHERE customer_id = $1`, [
      other.id,
    ]);
    expect(untouched.derived_limits.daily_limits).toEqual({ sugar_g: 50 });
    const bad = await a.request('PUT', '/diet-rules/ckd', {
      policy: { daily_limits: { salt_grams: 5, sodium_mg: -1 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(['policy.daily_limits.salt_grams', 'policy.daily_limits.sodium_mg']);
  });

  it('audits every health read and write, with before/after on writes', async () => {
    const c = await createCustomer('C-AUDIT', { ...MAN, conditions: ['diabetes'], notes: 'metformin' });
    await a.request('GET', `/customers/${c.id}/health-profile`);
    await a.request('PUT', `/customers/${c.id}/health-profile`, { ...MAN, weight_kg: 78, conditions: [] });
    await a.request('GET', `/customers/${c.id}/health-profile`);
    const log = await auditFor(c.id);
    expect(log.map((e) => e.action)).toEqual([
      'customer.health_profile.read',
      'customer.health_profile.updated',
      'customer.health_profile.read',
      'customer.health_profile.created',
    ]);
    // the log keeps which fields changed and keyed digests, never the health values themselves
    expect(log[1]).toMatchObject({
      before: { digest: expect.stringMatching(/^hmac-sha256:[0-9a-f]{32}$/) },
      after: {
        changed_fields: expect.arrayContaining(['weight_kg', 'notes', 'conditions']),
        digest: expect.stringMatching(/^hmac-sha256:[0-9a-f]{32}$/),
      },
    });
    expect(JSON.stringify(log)).not.toMatch(/metformin|diabetes|"weight_kg":\s*\d/);
    const [raw] = await ds.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE vendor_id = $1 AND (before::text ~ 'metformin|diabetes' OR after::text ~ 'metformin|diabetes')`,
      [a.vendorId],
    );
    expect(raw.n).toBe(0);
    // reading the audit log is itself audited
    const reads = await ds.query(
      `SELECT actor_role, after FROM audit_log WHERE vendor_id = $1 AND action = 'audit_log.read'`,
      [a.vendorId],
    );
    expect(reads.length).toBeGreaterThan(0);
    expect(reads[0]).toMatchObject({ actor_role: 'admin', after: { entity: 'customer', entity_id: c.id } });
    // Identity reads carry no health data and need no audit; the health route is the only way to it.
    expect(Object.keys((await a.request('GET', `/customers/${c.id}`)).json()).sort()).toEqual([
      'created_at',
      'email',
      'external_id',
      'first_name',
      'id',
      'last_name',
      'updated_at',
    ]);
  });

  it('cannot read a health profile without writing its audit row (one path, one transaction)', async () => {
    const c = await createCustomer('C-NOAUDIT', { ...MAN, notes: 'secret' });
    await ds.query(`
      CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$`);
    await ds.query(
      `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()`,
    );
    try {
      const res = await a.request('GET', `/customers/${c.id}/health-profile`);
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('secret');
      const put = await a.request('PUT', `/customers/${c.id}/health-profile`, { ...MAN, notes: 'changed' });
      expect(put.statusCode).toBe(500);
    } finally {
      await ds.query(`DROP TRIGGER refuse_audit ON audit_log`);
      await ds.query(`DROP FUNCTION refuse_audit()`);
    }
    // The failed write left nothing behind.
    const [row] = await ds.query(`SELECT notes FROM customer_health WHERE customer_id = $1`, [c.id]);
    expect(row.notes).toBe('secret');
  });

  it('audits a replayed health response (Idempotency-Key) like a read', async () => {
    const c = await createCustomer('C-REPLAY', MAN);
    const put = () =>
      a.request(
        'PUT',
        `/customers/${c.id}/health-profile`,
        { ...MAN, weight_kg: 81 },
        { 'idempotency-key': `replay-${c.id}` },
      );
    expect((await put()).statusCode).toBe(200);
    const replay = await put();
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toMatchObject({ customer_id: c.id, weight_kg: 81 });
    const actions = (await ds.query(
      `SELECT action, after FROM audit_log WHERE vendor_id = $1 AND entity_id = $2 ORDER BY id`,
      [a.vendorId, c.id],
    )) as { action: string; after: unknown }[];
    expect(actions.map((e) => e.action)).toEqual([
      'customer.health_profile.created',
      'customer.health_profile.updated',
      'customer.health_profile.read',
    ]);
    expect(actions[2]!.after).toEqual({ idempotent_replay: true });
  });

  it('gives customer and health routes to admins and editors only (role × route matrix)', async () => {
    const c = await createCustomer('C-ROLES', MAN);
    const issue = async (role: string) =>
      a.as((await a.request('POST', '/api-keys', { name: role, role })).json().key as string);
    const clients: Record<string, VendorClient> = {
      admin: a,
      editor: await issue('editor'),
      analyst: await issue('analyst'),
      ingest: await issue('ingest'),
    };
    const routes: [method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: object][] = [
      ['POST', '/customers', { external_id: 'C-ROLES-2' }],
      ['GET', `/customers/${c.id}`],
      ['PUT', `/customers/${c.id}`, { external_id: 'C-ROLES' }],
      ['PATCH', `/customers/${c.id}`, { first_name: 'Ro' }],
      ['GET', `/customers/${c.id}/health-profile`],
      ['PUT', `/customers/${c.id}/health-profile`, MAN],
      ['GET', `/customers/${c.id}/matches`],
    ];
    const allowed = new Set(['admin', 'editor']);
    for (const [role, client] of Object.entries(clients)) {
      for (const [method, path, body] of routes) {
        const res = await client.request(method, path, body);
        const seen = { role, method, path, status: res.statusCode, code: res.json().error?.code };
        if (allowed.has(role)) expect([200, 201]).toContain(seen.status);
        else expect(seen).toEqual({ role, method, path, status: 403, code: 'role_forbidden' });
      }
    }
    // vendor configuration, not personal data: diet rules stay readable by analysts, writable by editors
    expect((await clients.analyst!.request('GET', '/diet-rules')).statusCode).toBe(200);
    expect((await clients.ingest!.request('GET', '/diet-rules')).statusCode).toBe(403);
  });

  it('isolates tenants and upserts by external id', async () => {
    const c = await createCustomer('C-ISO', MAN);
    expect(c.id).toBe(uuidV5(a.vendorId, 'C-ISO'));
    const again = await a.request('POST', '/customers', { external_id: 'C-ISO', first_name: 'Ann' });
    expect(again.json()).toMatchObject({ id: c.id, created: false, first_name: 'Ann' });
    expect((await b.request('GET', `/customers/${c.id}`)).statusCode).toBe(404);
    expect((await b.request('GET', `/customers/${c.id}/health-profile`)).statusCode).toBe(404);
    expect((await b.request('PUT', `/customers/${c.id}/health-profile`, MAN)).statusCode).toBe(404);
    expect((await b.request('PATCH', `/customers/${c.id}`, { first_name: 'X' })).statusCode).toBe(404);
    const [rows] = await ds.query(`SELECT count(*)::int AS n FROM customer_health WHERE vendor_id = $1`, [
      b.vendorId,
    ]);
    expect(rows.n).toBe(0);
    expect(
      (await b.request('POST', '/customers', { external_id: 'bad', health_profile: { age: 500 } }))
        .statusCode,
    ).toBe(400);
  });
});
