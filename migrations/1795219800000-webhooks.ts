import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outgoing webhooks: endpoints (secrets only as vault references; a rotated secret keeps signing
 * for 24 h), the events (an outbox written in the emitter's transaction), one delivery per
 * (event, endpoint) with its schedule and outcome, and every attempt.
 */
export class Webhooks1795219800000 implements MigrationInterface {
  name = 'Webhooks1795219800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE vendors ADD COLUMN contact_email text`);
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id                   uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        vendor_id            uuid        NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
        url                  text        NOT NULL,
        events               text[]      NOT NULL,
        description          text,
        enabled              boolean     NOT NULL DEFAULT true,
        disabled_reason      text,
        secret_ref           uuid        NOT NULL,
        previous_secret_ref  uuid,
        previous_secret_until timestamptz,
        failing_since        timestamptz,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_endpoints_vendor ON webhook_endpoints (vendor_id, created_at)`);
    await q.query(`
      CREATE TABLE webhook_events (
        id         text        PRIMARY KEY,
        vendor_id  uuid        NOT NULL,
        type       text        NOT NULL,
        payload    jsonb       NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_events_vendor ON webhook_events (vendor_id, created_at)`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        vendor_id       uuid        NOT NULL,
        endpoint_id     uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_id        text        NOT NULL REFERENCES webhook_events (id),
        status          text        NOT NULL DEFAULT 'pending'
                                    CHECK (status IN ('pending', 'succeeded', 'failed', 'dead')),
        attempts        integer     NOT NULL DEFAULT 0,
        last_status     integer,
        last_error      text,
        last_latency_ms integer,
        next_attempt_at timestamptz,
        delivered_at    timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (event_id, endpoint_id)
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_vendor ON webhook_deliveries (vendor_id, created_at DESC, id)`,
    );
    await q.query(
      `CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC)`,
    );
    await q.query(`
      CREATE TABLE webhook_attempts (
        delivery_id uuid        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempt     integer     NOT NULL,
        status      integer,
        error       text,
        latency_ms  integer     NOT NULL,
        at          timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_attempts`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_events`);
    await q.query(`DROP TABLE webhook_endpoints`);
    await q.query(`ALTER TABLE vendors DROP COLUMN contact_email`);
  }
}
