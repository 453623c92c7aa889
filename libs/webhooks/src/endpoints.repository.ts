import type { VendorId } from '#libs/common';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { execute, firstRow, rowsOf } from '#libs/db';
import { type WebhookEndpoint } from './webhooks.entities.js';

export type EndpointRow = WebhookEndpoint;

const COLUMNS = `e.id, e.vendor_id, e.url, e.events, e.description, e.enabled, e.disabled_reason, e.secret_ref,
  e.previous_secret_ref, e.previous_secret_until, e.failing_since, e.created_at, e.updated_at`;

@Injectable()
export class EndpointsRepository {
  constructor(private readonly db: DataSource) {}

  async insert(
    m: EntityManager,
    vendorId: VendorId,
    e: { id: string; url: string; events: string[]; description: string | null; secretRef: string },
  ): Promise<EndpointRow> {
    const rows = await rowsOf<EndpointRow>(
      m,
      `INSERT INTO webhook_endpoints AS e (id, vendor_id, url, events, description, secret_ref)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [e.id, vendorId, e.url, e.events, e.description, e.secretRef],
    );
    return rows[0]!;
  }

  list(vendorId: VendorId): Promise<EndpointRow[]> {
    return rowsOf<EndpointRow>(
      this.db,
      `SELECT ${COLUMNS} FROM webhook_endpoints e WHERE e.vendor_id = $1 ORDER BY e.created_at, e.id`,
      [vendorId],
    );
  }

  async find(vendorId: VendorId, id: string, m?: EntityManager, lock = false): Promise<EndpointRow | null> {
    const row = await firstRow<EndpointRow>(
      m ?? this.db,
      `SELECT ${COLUMNS} FROM webhook_endpoints e WHERE e.vendor_id = $1 AND e.id = $2${lock ? ' FOR UPDATE' : ''}`,
      [vendorId, id],
    );
    return row ?? null;
  }

  async update(
    m: EntityManager,
    vendorId: VendorId,
    id: string,
    c: { url?: string; events?: string[]; description?: string | null; enabled?: boolean },
  ): Promise<EndpointRow> {
    const rows = await rowsOf<EndpointRow>(
      m,
      `UPDATE webhook_endpoints e SET
         url = coalesce($3, e.url), events = coalesce($4, e.events),
         description = CASE WHEN $5 THEN $6 ELSE e.description END,
         enabled = coalesce($7, e.enabled),
         disabled_reason = CASE WHEN $7 IS TRUE THEN NULL ELSE e.disabled_reason END,
         failing_since = CASE WHEN $7 IS TRUE THEN NULL ELSE e.failing_since END,
         updated_at = now()
       WHERE e.vendor_id = $1 AND e.id = $2 RETURNING ${COLUMNS}`,
      [
        vendorId,
        id,
        c.url ?? null,
        c.events ?? null,
        'description' in c,
        c.description ?? null,
        c.enabled ?? null,
      ],
    );
    return rows[0]!;
  }

  async rotate(
    m: EntityManager,
    vendorId: VendorId,
    id: string,
    newRef: string,
    overlapSeconds: number,
  ): Promise<EndpointRow> {
    const rows = await rowsOf<EndpointRow>(
      m,
      `UPDATE webhook_endpoints e SET previous_secret_ref = e.secret_ref,
              previous_secret_until = now() + make_interval(secs => $4), secret_ref = $3, updated_at = now()
        WHERE e.vendor_id = $1 AND e.id = $2 RETURNING ${COLUMNS}`,
      [vendorId, id, newRef, overlapSeconds],
    );
    return rows[0]!;
  }

  async delete(m: EntityManager, vendorId: VendorId, id: string): Promise<void> {
    await execute(m, `DELETE FROM webhook_endpoints WHERE vendor_id = $1 AND id = $2`, [vendorId, id]);
  }

  /** Enabled endpoints of the vendor subscribed to this event type (or to `*`). */
  subscribed(m: EntityManager, vendorId: VendorId, type: string): Promise<{ id: string }[]> {
    return rowsOf<{ id: string }>(
      m,
      `SELECT id FROM webhook_endpoints WHERE vendor_id = $1 AND enabled AND ($2 = ANY(events) OR '*' = ANY(events))`,
      [vendorId, type],
    );
  }

  async setHealth(m: EntityManager, id: string, ok: boolean): Promise<Date | null> {
    const rows = await rowsOf<{ failing_since: Date | null }>(
      m,
      `UPDATE webhook_endpoints SET failing_since = CASE WHEN $2 THEN NULL ELSE coalesce(failing_since, now()) END
        WHERE id = $1 RETURNING failing_since`,
      [id, ok],
    );
    return rows[0]?.failing_since ?? null;
  }

  async disable(m: EntityManager, id: string, reason: string): Promise<void> {
    await execute(
      m,
      `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1`,
      [id, reason],
    );
  }
}
