import { createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { VendorId } from '#libs/db';
import { open, seal } from './cipher.js';
import { KeyRing } from './key-ring.js';
import { VaultRepository } from './vault.repository.js';

export class VaultKeyMissing extends Error {
  constructor(keyId: string) {
    super(
      `The vault secret was sealed with key ${keyId}, which is neither VAULT_MASTER_KEY nor in VAULT_PREVIOUS_KEYS`,
    );
  }
}

/**
 * Secrets at rest (webhook signing secrets, feed credentials): AES-256-GCM under the master key,
 * stored in vault_secrets; everything else keeps only the reference (the secret's id).
 */
@Injectable()
export class VaultService {
  constructor(
    private readonly keys: KeyRing,
    private readonly secrets: VaultRepository,
    private readonly db: DataSource,
  ) {}

  /** The same vault under another key ring (a rotation test, or a script given its keys). */
  withKeys(keys: KeyRing): VaultService {
    return new VaultService(keys, this.secrets, this.db);
  }

  /** Seals and stores a secret; returns its reference. Pass the caller's transaction manager. */
  async store(
    s: { vendorId: VendorId; name: string; plaintext: string },
    manager?: EntityManager,
  ): Promise<string> {
    const id = randomUUID();
    await this.secrets.insert(manager, {
      id,
      vendorId: s.vendorId,
      name: s.name,
      sealed: seal(this.keys.current, id, s.plaintext),
    });
    return id;
  }

  /** The plaintext, or null when the reference does not exist. */
  async reveal(ref: string, manager?: EntityManager): Promise<string | null> {
    const sealed = await this.secrets.find(ref, manager);
    if (!sealed) return null;
    const key = this.keys.find(sealed.keyId);
    if (!key) throw new VaultKeyMissing(sealed.keyId);
    return open(key, ref, sealed);
  }

  async replace(ref: string, plaintext: string, manager?: EntityManager): Promise<boolean> {
    return this.secrets.update(ref, seal(this.keys.current, ref, plaintext), manager);
  }

  delete(ref: string, manager?: EntityManager): Promise<void> {
    return this.secrets.delete(ref, manager);
  }

  /**
   * Re-seals every secret not sealed by the current key, in batches (each its own transaction,
   * so it can run beside live traffic and be interrupted and re-run).
   */
  async rotate(batchSize = 500): Promise<{ resealed: number; byKey: Record<string, number> }> {
    let resealed = 0;
    for (;;) {
      const n = await this.db.transaction(async (m) => {
        const batch = await this.secrets.lockBatchNotSealedBy(m, this.keys.current.id, batchSize);
        for (const { id, sealed } of batch) {
          const key = this.keys.find(sealed.keyId);
          if (!key) throw new VaultKeyMissing(sealed.keyId);
          await this.secrets.update(id, seal(this.keys.current, id, open(key, id, sealed)), m);
        }
        return batch.length;
      });
      resealed += n;
      if (n < batchSize) break;
    }
    return { resealed, byKey: await this.secrets.countByKey() };
  }

  /**
   * Seals a value kept outside vault_secrets (a stored idempotent response) into one self-contained
   * buffer: key id, nonce, tag, ciphertext. `context` is the additional data: the same context must
   * be given to open it, so a copy moved to another row does not open.
   */
  sealValue(context: string, plaintext: string): Buffer {
    const s = seal(this.keys.current, context, plaintext);
    return Buffer.concat([Buffer.from(s.keyId, 'hex'), s.nonce, s.authTag, s.ciphertext]);
  }

  openValue(context: string, packed: Buffer): string {
    const keyId = packed.subarray(0, 8).toString('hex');
    const key = this.keys.find(keyId);
    if (!key) throw new VaultKeyMissing(keyId);
    return open(key, context, {
      keyId,
      nonce: packed.subarray(8, 20),
      authTag: packed.subarray(20, 36),
      ciphertext: packed.subarray(36),
    });
  }

  /**
   * A keyed digest (HMAC-SHA-256 under a key derived from the master key for `purpose`): shows
   * whether two values are equal without revealing them, and cannot be brute-forced without the
   * master key, which a low-entropy value (a weight, a birth date) otherwise could be.
   */
  digest(purpose: string, value: string | Buffer): string {
    let key = this.digestKeys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.keys.current.key, Buffer.alloc(0), `digest:${purpose}`, 32));
      this.digestKeys.set(purpose, key);
    }
    return `hmac-sha256:${createHmac('sha256', key).update(value).digest('hex').slice(0, 32)}`;
  }

  private readonly digestKeys = new Map<string, Buffer>();

  get currentKeyId(): string {
    return this.keys.current.id;
  }
}
