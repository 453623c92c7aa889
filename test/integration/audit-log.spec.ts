import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AuditModule, AuditService } from '#libs/audit';
import { serviceContext } from '../support/contexts.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';

describe('audit log (integration)', () => {
  let db: TestDatabase;
  let ctx: TestingModule;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await serviceContext(testConfig(db.url), 'producer', [AuditModule]);
    ds = ctx.get(DataSource);
  });

  afterAll(async () => {
    await ctx.close();
    await db.drop();
  });

  it('keeps monthly partitions ahead (idempotently) and routes entries into them', async () => {
    const audit = ctx.get(AuditService);
    expect(await audit.ensurePartitions()).toBe(0); // the migration created them already
    const parts: { name: string }[] = await ds.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_log'::regclass ORDER BY 1`,
    );
    const month = (offset: number) => {
      const d = new Date();
      d.setUTCDate(1);
      d.setUTCMonth(d.getUTCMonth() + offset);
      return `audit_log_${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    };
    expect(parts.map((p) => p.name)).toEqual(
      expect.arrayContaining(['audit_log_default', month(0), month(1), month(2)]),
    );
    const vendorId = '11111111-1111-4111-8111-111111111111';
    await audit.record({ id: 'key:1', role: 'admin', vendorId, ip: '203.0.113.9', userAgent: 'test' }, [
      { action: 'api_key.created', entity: 'api_key', entityId: 'k1', after: { role: 'editor' } },
      { action: 'customer.health_profile.read', entity: 'customer', entityId: 'c1' },
    ]);
    const [row] = await ds.query(
      `SELECT tableoid::regclass::text AS part FROM audit_log WHERE entity_id = 'k1'`,
    );
    expect(row.part).toBe(month(0));
    const listed = await audit.listForVendor(vendorId, { limit: 10 });
    expect(listed.map((e) => e.action)).toEqual(['customer.health_profile.read', 'api_key.created']);
    expect(listed[1]).toMatchObject({ actor_id: 'key:1', ip: '203.0.113.9', after: { role: 'editor' } });
    expect(await audit.listForVendor(vendorId, { limit: 10, afterId: listed[0]!.id })).toHaveLength(1);
    expect(await audit.listForVendor('22222222-2222-4222-8222-222222222222', { limit: 10 })).toEqual([]);
  });

  it('refuses UPDATE, DELETE and TRUNCATE, on the parent and on a partition', async () => {
    await expect(ds.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    const [p] = await ds.query(`SELECT tableoid::regclass::text AS part FROM audit_log LIMIT 1`);
    await expect(ds.query(`TRUNCATE ${p.part}`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM ${p.part}`)).rejects.toThrow(/append-only/);
  });
});
