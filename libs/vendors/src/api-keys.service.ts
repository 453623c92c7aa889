import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, type Actor } from '#libs/audit';
import { Conflict, NotFound, newToken, sha256Hex, type VendorId } from '#libs/common';
import { ApiKeysRepository, type ApiKeyRow } from './api-keys.repository.js';
import type { VendorRole } from './auth/principal.js';
import { CredentialCache } from './auth/credential-cache.js';

export const API_KEY_PREFIX = 'vk_';

export interface IssuedKey {
  key: ApiKeyRow;
  /** The secret: shown once, only its SHA-256 is stored. */
  secret: string;
}

/** What an audit entry records of a key (never the secret or its hash). */
const auditView = (k: ApiKeyRow) => ({
  name: k.name,
  role: k.role,
  key_prefix: k.key_prefix,
  revoked_at: k.revoked_at,
});

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly db: DataSource,
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditService,
    private readonly credentials: CredentialCache,
  ) {}

  /** Issues a key for a vendor (inside the caller's transaction when given). Audited. */
  async issue(
    actor: Actor,
    vendorId: VendorId,
    k: { name: string; role: VendorRole },
    manager?: EntityManager,
  ): Promise<IssuedKey> {
    const run = async (m: EntityManager): Promise<IssuedKey> => {
      const secret = newToken(API_KEY_PREFIX);
      const key = await this.keys.insert(m, vendorId, {
        name: k.name,
        role: k.role,
        hash: sha256Hex(secret),
        prefix: secret.slice(0, 10),
        createdBy: actor.id,
      });
      await this.audit.record(
        actor,
        { action: 'api_key.created', entity: 'api_key', entityId: key.id, after: auditView(key) },
        m,
      );
      return { key, secret };
    };
    return manager ? run(manager) : this.db.transaction(run);
  }

  list(vendorId: VendorId): Promise<ApiKeyRow[]> {
    return this.keys.listForVendor(vendorId);
  }

  /** Changes a key's name or role. A revoked key cannot change. Audited with before/after. */
  update(
    actor: Actor,
    vendorId: VendorId,
    id: string,
    change: { name?: string; role?: VendorRole },
  ): Promise<ApiKeyRow> {
    return this.changingCredentials(vendorId, async (m) => {
      const before = await this.keys.lockForVendor(m, vendorId, id);
      if (!before) throw new NotFound('API key', 'api_key_not_found');
      if (before.revoked_at) throw new Conflict('This API key is revoked', 'api_key_revoked');
      const after = await this.keys.update(m, vendorId, id, change);
      await this.audit.record(
        actor,
        {
          action: change.role && change.role !== before.role ? 'api_key.role_changed' : 'api_key.updated',
          entity: 'api_key',
          entityId: id,
          before: auditView(before),
          after: auditView(after),
        },
        m,
      );
      return after;
    });
  }

  /** Revokes a key: from the next request on it authenticates nothing. Idempotent. Audited once. */
  revoke(actor: Actor, vendorId: VendorId, id: string): Promise<ApiKeyRow> {
    return this.changingCredentials(vendorId, async (m) => {
      const before = await this.keys.lockForVendor(m, vendorId, id);
      if (!before) throw new NotFound('API key', 'api_key_not_found');
      if (before.revoked_at) return before;
      const after = await this.keys.update(m, vendorId, id, { revokedBy: actor.id });
      await this.audit.record(
        actor,
        {
          action: 'api_key.revoked',
          entity: 'api_key',
          entityId: id,
          before: auditView(before),
          after: auditView(after),
        },
        m,
      );
      return after;
    });
  }

  /** A transaction that changes what a vendor's credentials authenticate (CredentialCache.changing). */
  private changingCredentials<T>(vendorId: VendorId, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.credentials.changing(vendorId, () => this.db.transaction(work));
  }
}
