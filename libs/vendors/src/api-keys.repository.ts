import type { VendorId } from '#libs/common';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { BookkeepingPool, execute, firstRow, rowsOf } from '#libs/db';
import { type VendorApiKey, type Vendor } from './vendors.entities.js';
import type { VendorRole } from './auth/principal.js';

/** A key as its vendor lists it (never its hash). */
export type ApiKeyRow = Omit<VendorApiKey, 'key_hash'>;

export type KeyAuthRow = Pick<VendorApiKey, 'id' | 'vendor_id' | 'role' | 'revoked_at'> & {
  vendor_status: Vendor['status'];
};

const COLUMNS = `k.id, k.vendor_id, k.name, k.role, k.key_prefix, k.created_by, k.created_at, k.last_used_at, k.revoked_at`;

@Injectable()
export class ApiKeysRepository {
  constructor(
    private readonly db: DataSource,
    private readonly bookkeeping: BookkeepingPool,
  ) {}

  async insert(
    manager: EntityManager,
    vendorId: VendorId,
    k: { name: string; role: VendorRole; hash: string; prefix: string; createdBy: string },
  ): Promise<ApiKeyRow> {
    const rows = await rowsOf<ApiKeyRow>(
      manager,
      `INSERT INTO vendor_api_keys AS k (vendor_id, name, role, key_hash, key_prefix, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [vendorId, k.name, k.role, k.hash, k.prefix, k.createdBy],
    );
    return rows[0]!;
  }

  listForVendor(vendorId: VendorId): Promise<ApiKeyRow[]> {
    return rowsOf<ApiKeyRow>(
      this.db,
      `SELECT ${COLUMNS} FROM vendor_api_keys k WHERE k.vendor_id = $1 ORDER BY k.created_at, k.id`,
      [vendorId],
    );
  }

  /** Locks the key for a change (revoke, role change) and returns its current state. */
  async lockForVendor(manager: EntityManager, vendorId: VendorId, id: string): Promise<ApiKeyRow | null> {
    const row = await firstRow<ApiKeyRow>(
      manager,
      `SELECT ${COLUMNS} FROM vendor_api_keys k WHERE k.vendor_id = $1 AND k.id = $2 FOR UPDATE`,
      [vendorId, id],
    );
    return row ?? null;
  }

  async update(
    manager: EntityManager,
    vendorId: VendorId,
    id: string,
    change: { name?: string; role?: VendorRole; revokedBy?: string },
  ): Promise<ApiKeyRow> {
    const rows = await rowsOf<ApiKeyRow>(
      manager,
      `UPDATE vendor_api_keys k
          SET name = coalesce($3, k.name),
              role = coalesce($4, k.role),
              revoked_at = CASE WHEN $5::text IS NOT NULL THEN coalesce(k.revoked_at, now()) ELSE k.revoked_at END,
              revoked_by = coalesce(k.revoked_by, $5)
        WHERE k.vendor_id = $1 AND k.id = $2
        RETURNING ${COLUMNS}`,
      [vendorId, id, change.name ?? null, change.role ?? null, change.revokedBy ?? null],
    );
    return rows[0]!;
  }

  /** Revokes every key of a vendor (vendor deletion). */
  async revokeAll(manager: EntityManager, vendorId: VendorId, by: string): Promise<void> {
    await execute(
      manager,
      `UPDATE vendor_api_keys SET revoked_at = now(), revoked_by = $2 WHERE vendor_id = $1 AND revoked_at IS NULL`,
      [vendorId, by],
    );
  }

  /**
   * The key behind a presented secret's hash, with its vendor's status; last_used_at is written at
   * most once a minute per key. Runs before the vendor is known, through the database function that
   * returns exactly this key, on the bookkeeping pool: the request's own connections are then set
   * to its vendor once, not reset for this lookup and set again (see tenant-scope.ts).
   */
  async findForAuthentication(hash: string): Promise<KeyAuthRow | null> {
    const row = await firstRow<KeyAuthRow>(
      this.bookkeeping,
      `SELECT id, vendor_id, role, revoked_at, vendor_status FROM authenticate_api_key($1)`,
      [hash],
      'authenticate_api_key',
    );
    return row ?? null;
  }
}
