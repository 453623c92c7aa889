import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import type { VendorId } from '#libs/db';
import path from 'node:path';
import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { KeyRing, VaultModule, VaultService, parseMasterKey } from '#libs/vault';
import { serviceContext } from '../support/contexts.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';

const hex = () => randomBytes(32).toString('hex');

describe('vault (integration)', () => {
  let db: TestDatabase;
  let ctx: TestingModule;
  let ds: DataSource;
  let vendorId: VendorId;
  const oldKey = hex();

  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await serviceContext(testConfig(db.url, { VAULT_MASTER_KEY: oldKey }), 'producer', [VaultModule]);
    ds = ctx.get(DataSource);
    // every secret belongs to a vendor (vendor_id leads its key)
    [{ id: vendorId }] = await ds.query(
      `INSERT INTO vendors (slug, name, category) VALUES ('vault-test', 'Vault test', 'grocery') RETURNING id`,
    );
  });

  afterAll(async () => {
    await ctx.close();
    await db.drop();
  });

  it('stores only ciphertext and the key id, and reveals the secret by reference', async () => {
    const vault = ctx.get(VaultService);
    const ref = await vault.store({ vendorId, name: 'webhook', plaintext: 'whsec_top_secret' });
    expect(await vault.reveal(ref)).toBe('whsec_top_secret');
    const [row] = await ds.query(`SELECT key_id, ciphertext FROM vault_secrets WHERE id = $1`, [ref]);
    expect(row.key_id).toBe(parseMasterKey(oldKey).id);
    expect(Buffer.from(row.ciphertext).toString('latin1')).not.toContain('top_secret');
    expect(await vault.reveal('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await vault.replace(ref, 'whsec_new')).toBe(true);
    expect(await vault.reveal(ref)).toBe('whsec_new');
  });

  it('rotates every secret to a new master key while the old one is listed as previous', async () => {
    const vault = ctx.get(VaultService);
    const refs = await Promise.all(
      Array.from({ length: 7 }, (_, i) => vault.store({ vendorId, name: `s${i}`, plaintext: `secret-${i}` })),
    );
    const newKey = hex();
    const rotated = ctx
      .get(VaultService)
      .withKeys(new KeyRing(parseMasterKey(newKey), [parseMasterKey(oldKey)]));
    const result = await rotated.rotate(3);
    expect(result.resealed).toBeGreaterThanOrEqual(7);
    expect(result.byKey).toEqual({ [parseMasterKey(newKey).id]: expect.any(Number) });
    // Only the new key is needed now; the old ring can no longer open them.
    const onlyNew = ctx.get(VaultService).withKeys(new KeyRing(parseMasterKey(newKey)));
    expect(await Promise.all(refs.map((r) => onlyNew.reveal(r)))).toEqual(refs.map((_, i) => `secret-${i}`));
    await expect(vault.reveal(refs[0]!)).rejects.toThrow(/neither VAULT_MASTER_KEY nor/);
    expect((await rotated.rotate()).resealed).toBe(0);
  });

  it('generates a development key once into DATA_DIR when VAULT_MASTER_KEY is unset', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'nrp-vault-'));
    try {
      const warnings: string[] = [];
      const config = testConfig(db.url, { DATA_DIR: dir });
      const first = KeyRing.fromConfig(config, (m) => warnings.push(m));
      const second = KeyRing.fromConfig(config, () => undefined);
      expect(second.current.id).toBe(first.current.id);
      expect(warnings[0]).toMatch(/VAULT_MASTER_KEY is not set/);
      const file = path.join(dir, 'vault-master.key');
      expect((await readFile(file, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
