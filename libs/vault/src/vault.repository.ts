import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf, type VaultSecret } from '#libs/db';
import type { Sealed } from './cipher.js';

type SecretRow = Pick<VaultSecret, 'id' | 'key_id' | 'nonce' | 'ciphertext' | 'auth_tag'>;

const toSealed = (r: SecretRow): Sealed => ({
  keyId: r.key_id,
  nonce: r.nonce,
  ciphertext: r.ciphertext,
  authTag: r.auth_tag,
});

@Injectable()
export class VaultRepository {
  constructor(private readonly db: DataSource) {}

  async insert(
    manager: EntityManager | undefined,
    s: { id: string; vendorId: string; name: string; sealed: Sealed },
  ): Promise<void> {
    await (manager ?? this.db.manager).query(
      `INSERT INTO vault_secrets (id, vendor_id, name, key_id, nonce, ciphertext, auth_tag)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [s.id, s.vendorId, s.name, s.sealed.keyId, s.sealed.nonce, s.sealed.ciphertext, s.sealed.authTag],
    );
  }

  async find(id: string, manager?: EntityManager): Promise<Sealed | null> {
    const rows = await rowsOf<SecretRow>(
      manager ?? this.db,
      `SELECT id, key_id, nonce, ciphertext, auth_tag FROM vault_secrets WHERE id = $1`,
      [id],
    );
    return rows[0] ? toSealed(rows[0]) : null;
  }

  async update(id: string, sealed: Sealed, manager?: EntityManager): Promise<boolean> {
    const rows = await rowsOf<unknown>(
      manager ?? this.db,
      `WITH u AS (
         UPDATE vault_secrets SET key_id = $2, nonce = $3, ciphertext = $4, auth_tag = $5, updated_at = now()
          WHERE id = $1 RETURNING id)
       SELECT id FROM u`,
      [id, sealed.keyId, sealed.nonce, sealed.ciphertext, sealed.authTag],
    );
    return rows.length > 0;
  }

  async delete(id: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.db.manager).query(`DELETE FROM vault_secrets WHERE id = $1`, [id]);
  }

  /** A batch of secrets sealed by another key, locked for re-sealing (skipping locked ones). */
  async lockBatchNotSealedBy(
    manager: EntityManager,
    keyId: string,
    limit: number,
  ): Promise<{ id: string; sealed: Sealed }[]> {
    const rows = await rowsOf<SecretRow>(
      manager,
      `SELECT id, key_id, nonce, ciphertext, auth_tag FROM vault_secrets
        WHERE key_id <> $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [keyId, limit],
    );
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
