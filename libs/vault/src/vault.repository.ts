import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { firstRow, rowsOf, type VendorId } from '#libs/db';
import { VaultSecret } from './vault.entities.js';
import type { Sealed } from './cipher.js';

const SEALED_COLUMNS = [
  'id',
  'key_id',
  'nonce',
  'ciphertext',
  'auth_tag',
] as const satisfies (keyof VaultSecret)[];
type SecretRow = Pick<VaultSecret, (typeof SEALED_COLUMNS)[number]>;

const toSealed = (r: SecretRow): Sealed => ({
  keyId: r.key_id,
  nonce: r.nonce,
  ciphertext: r.ciphertext,
  authTag: r.auth_tag,
});

/** vault_secrets: plain keyed rows, through TypeORM's repository (the caller's transaction when given). */
@Injectable()
export class VaultRepository {
  constructor(private readonly db: DataSource) {}

  private secrets(manager?: EntityManager): Repository<VaultSecret> {
    return (manager ?? this.db.manager).getRepository(VaultSecret);
  }

  async insert(
    manager: EntityManager | undefined,
    s: { id: string; vendorId: VendorId; name: string; sealed: Sealed },
  ): Promise<void> {
    const { keyId, nonce, ciphertext, authTag } = s.sealed;
    await this.secrets(manager).insert({
      id: s.id,
      vendor_id: s.vendorId,
      name: s.name,
      key_id: keyId,
      nonce,
      ciphertext,
      auth_tag: authTag,
    });
  }

  /**
   * Hand SQL on purpose: every webhook delivery reveals its endpoint's secret, and TypeORM's
   * findOne (query builder + entity hydration) cost ~18 % of a worker's deliveries per second.
   */
  async find(id: string, manager?: EntityManager): Promise<Sealed | null> {
    const row = await firstRow<SecretRow>(
      manager ?? this.db,
      `SELECT ${SEALED_COLUMNS.join(', ')} FROM vault_secrets WHERE id = $1`,
      [id],
    );
    return row ? toSealed(row) : null;
  }

  async update(id: string, sealed: Sealed, manager?: EntityManager): Promise<boolean> {
    const { affected } = await this.secrets(manager).update(
      { id },
      {
        key_id: sealed.keyId,
        nonce: sealed.nonce,
        ciphertext: sealed.ciphertext,
        auth_tag: sealed.authTag,
        updated_at: () => 'now()',
      },
    );
    return (affected ?? 0) > 0;
  }

  async delete(id: string, manager?: EntityManager): Promise<void> {
    await this.secrets(manager).delete({ id });
  }

  /** A batch of secrets sealed by another key, locked for re-sealing (skipping locked ones). */
  async lockBatchNotSealedBy(
    manager: EntityManager,
    keyId: string,
    limit: number,
  ): Promise<{ id: string; sealed: Sealed }[]> {
    const rows = await this.secrets(manager)
      .createQueryBuilder('s')
      .select(SEALED_COLUMNS.map((c) => `s.${c}`))
      .where('s.key_id <> :keyId', { keyId })
      .orderBy('s.id')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    return rows.map((r) => ({ id: r.id, sealed: toSealed(r) }));
  }

  async countByKey(): Promise<Record<string, number>> {
    const rows = await rowsOf<{ key_id: string; n: number }>(
      this.db,
      `SELECT key_id, count(*)::int AS n FROM vault_secrets GROUP BY key_id`,
    );
    return Object.fromEntries(rows.map((r) => [r.key_id, r.n]));
  }
}
