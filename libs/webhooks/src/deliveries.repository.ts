import { execute, firstRow, rowsOf } from '#libs/db';
import {
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookAttempt,
  type WebhookEndpoint,
} from './webhooks.entities.js';
import { type Vendor } from '#libs/vendors';
import type { VendorId } from '#libs/common';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export type DeliveryStatus = WebhookDelivery['status'];

/** A delivery as its vendor sees it: the row, its event's type, and every attempt. */
export type DeliveryRow = Omit<WebhookDelivery, 'vendor_id' | 'updated_at'> & {
  event_type: WebhookEvent['type'];
  /** Full-precision created_at, for the keyset cursor. */
  created_key: string;
  attempt_log: Pick<WebhookAttempt, 'attempt' | 'status' | 'error' | 'latency_ms' | 'at'>[];
};

/** What sending a delivery needs: the delivery, its event, its endpoint and its vendor, in one read. */
export type DeliveryWork = Pick<WebhookDelivery, 'id' | 'vendor_id' | 'status' | 'attempts' | 'event_id'> &
  Pick<WebhookEndpoint, 'url' | 'enabled' | 'secret_ref' | 'previous_secret_ref'> & {
    event_type: WebhookEvent['type'];
    payload: WebhookEvent['payload'];
    event_created_at: WebhookEvent['created_at'];
    endpoint_id: WebhookEndpoint['id'];
    previous_secret_active: boolean;
    contact_email: Vendor['contact_email'];
    vendor_name: Vendor['name'];
  };

@Injectable()
export class DeliveriesRepository {
  constructor(private readonly db: DataSource) {}

  async insertEvent(
    m: EntityManager,
    vendorId: VendorId,
    id: string,
    type: string,
    payload: unknown,
    at: Date,
  ): Promise<void> {
    await execute(
      m,
      `INSERT INTO webhook_events (id, vendor_id, type, payload, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)`,
      [id, vendorId, type, JSON.stringify(payload), at],
    );
  }

  async insertDeliveries(
    m: EntityManager,
    vendorId: VendorId,
    eventId: string,
    endpointIds: string[],
  ): Promise<string[]> {
    if (endpointIds.length === 0) return [];
    const rows = await rowsOf<{ id: string }>(
      m,
      `INSERT INTO webhook_deliveries (vendor_id, endpoint_id, event_id, next_attempt_at)
       SELECT $1, e, $2, now() FROM unnest($3::uuid[]) AS e RETURNING id`,
      [vendorId, eventId, endpointIds],
    );
    return rows.map((r) => r.id);
  }

  async work(id: string): Promise<DeliveryWork | null> {
    const row = await firstRow<DeliveryWork>(
      this.db,
      `SELECT d.id, d.vendor_id, d.status, d.attempts, ev.id AS event_id, ev.type AS event_type, ev.payload,
              ev.created_at AS event_created_at, e.id AS endpoint_id, e.url, e.enabled, e.secret_ref,
              e.previous_secret_ref, coalesce(e.previous_secret_until > now(), false) AS previous_secret_active,
              v.contact_email, v.name AS vendor_name
         FROM webhook_deliveries d
         JOIN webhook_events ev ON ev.id = d.event_id
         JOIN webhook_endpoints e ON e.id = d.endpoint_id
         JOIN vendor_directory v ON v.id = d.vendor_id
        WHERE d.id = $1`,
      [id],
    );
    return row ?? null;
  }

  async recordAttempt(
    m: EntityManager,
    id: string,
    a: { status: number | null; error: string | null; latencyMs: number },
  ): Promise<number> {
    const rows = await rowsOf<{ attempts: number }>(
      m,
      `WITH u AS (
         UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $2, last_error = $3,
                last_latency_ms = $4, updated_at = now()
          WHERE id = $1 RETURNING vendor_id, attempts)
       INSERT INTO webhook_attempts (vendor_id, delivery_id, attempt, status, error, latency_ms)
       SELECT vendor_id, $1, attempts, $2, $3, $4 FROM u RETURNING attempt AS attempts`,
      [id, a.status, a.error, a.latencyMs],
    );
    return rows[0]!.attempts;
  }

  /**
   * The success path in one statement: the attempt recorded, the delivery settled and the
   * endpoint marked healthy (a single statement is atomic without a transaction block).
   */
  async recordSuccess(
    id: string,
    endpointId: string,
    a: { status: number; latencyMs: number },
  ): Promise<void> {
    await execute(
      this.db,
      `WITH d AS (
         UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $3, last_error = NULL,
                last_latency_ms = $4, status = 'succeeded', next_attempt_at = NULL, delivered_at = now(),
                updated_at = now()
          WHERE id = $1 RETURNING vendor_id, attempts),
       a AS (INSERT INTO webhook_attempts (vendor_id, delivery_id, attempt, status, latency_ms)
             SELECT vendor_id, $1, attempts, $3, $4 FROM d),
       e AS (UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $2 AND failing_since IS NOT NULL)
       SELECT 1`,
      [id, endpointId, a.status, a.latencyMs],
    );
  }

  async settle(
    m: EntityManager,
    id: string,
    status: DeliveryStatus,
    nextAttemptAt: Date | null,
  ): Promise<void> {
    await execute(
      m,
      `UPDATE webhook_deliveries SET status = $2, next_attempt_at = $3,
              delivered_at = CASE WHEN $2 = 'succeeded' THEN now() ELSE delivered_at END, updated_at = now()
        WHERE id = $1`,
      [id, status, nextAttemptAt],
    );
  }

  /** A delivery of this vendor made pending again (replay), or null. */
  async reopen(m: EntityManager, vendorId: VendorId, id: string): Promise<boolean> {
    const rows = await rowsOf<unknown>(
      m,
      `WITH u AS (
         UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), updated_at = now()
          WHERE vendor_id = $1 AND id = $2 RETURNING id)
       SELECT id FROM u`,
      [vendorId, id],
    );
    return rows.length > 0;
  }

  list(
    vendorId: VendorId,
    q: { endpointId?: string; status?: DeliveryStatus; limit: number; before?: { at: string; id: string } },
  ): Promise<DeliveryRow[]> {
    return rowsOf<DeliveryRow>(
      this.db,
      `SELECT d.id, d.endpoint_id, d.event_id, ev.type AS event_type, d.status, d.attempts, d.last_status,
              d.last_error, d.last_latency_ms, d.next_attempt_at, d.delivered_at, d.created_at,
              to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key,
              coalesce((SELECT json_agg(json_build_object('attempt', a.attempt, 'status', a.status, 'error', a.error,
                                 'latency_ms', a.latency_ms, 'at', a.at) ORDER BY a.attempt)
                          FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]') AS attempt_log
         FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
        WHERE d.vendor_id = $1
          AND ($2::uuid IS NULL OR d.endpoint_id = $2)
          AND ($3::text IS NULL OR d.status = $3)
          AND ($4::timestamptz IS NULL OR (d.created_at, d.id) < ($4::timestamptz, $5::uuid))
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT $6`,
      [vendorId, q.endpointId ?? null, q.status ?? null, q.before?.at ?? null, q.before?.id ?? null, q.limit],
    );
  }
}
