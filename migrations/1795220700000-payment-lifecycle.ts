import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Money that can come back. A payment moves pending → completed | failed | expired, and completed →
 * refunded | disputed (a partial refund keeps it completed, with refunded_cents); every move is a
 * row of payment_transitions (from, to, why, the provider event). A refunded or disputed payment
 * revokes its report (revoked_reason, so the 410 says which). The sandbox can refund and dispute
 * too. The provider's payment id (Stripe's payment intent) is kept to refund through it.
 */
export class PaymentLifecycle1795220700000 implements MigrationInterface {
  name = 'PaymentLifecycle1795220700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments DROP CONSTRAINT payments_status_check`);
    await q.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_status_check
        CHECK (status IN ('pending', 'completed', 'failed', 'expired', 'refunded', 'disputed'))`);
    await q.query(`ALTER TABLE payments ADD COLUMN provider_payment_id text`);
    await q.query(
      `ALTER TABLE payments ADD COLUMN refunded_cents integer NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0)`,
    );
    await q.query(
      `CREATE INDEX payments_provider_payment ON payments (provider_payment_id) WHERE provider_payment_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE payment_transitions (
        id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        payment_id        uuid        NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
        from_status       text        NOT NULL,
        to_status         text        NOT NULL,
        reason            text        NOT NULL,
        amount_cents      integer,
        provider_event_id text,
        at                timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX payment_transitions_payment ON payment_transitions (payment_id, id)`);
    await q.query(
      `ALTER TABLE reports ADD COLUMN revoked_reason text CHECK (revoked_reason IN ('refunded', 'disputed'))`,
    );
    await q.query(`ALTER TABLE sandbox_checkouts DROP CONSTRAINT sandbox_checkouts_status_check`);
    await q.query(`
      ALTER TABLE sandbox_checkouts ADD CONSTRAINT sandbox_checkouts_status_check
        CHECK (status IN ('open', 'paid', 'expired'))`);
    await q.query(`ALTER TABLE sandbox_checkouts ADD COLUMN refunded_cents integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE sandbox_checkouts ADD COLUMN disputed boolean NOT NULL DEFAULT false`);
    await q.query(`SELECT grant_application_roles()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sandbox_checkouts DROP COLUMN disputed`);
    await q.query(`ALTER TABLE sandbox_checkouts DROP COLUMN refunded_cents`);
    await q.query(`UPDATE sandbox_checkouts SET status = 'open' WHERE status = 'expired'`);
    await q.query(`ALTER TABLE sandbox_checkouts DROP CONSTRAINT sandbox_checkouts_status_check`);
    await q.query(
      `ALTER TABLE sandbox_checkouts ADD CONSTRAINT sandbox_checkouts_status_check CHECK (status IN ('open', 'paid'))`,
    );
    await q.query(`ALTER TABLE reports DROP COLUMN revoked_reason`);
    await q.query(`DROP TABLE payment_transitions`);
    await q.query(`DROP INDEX payments_provider_payment`);
    await q.query(`ALTER TABLE payments DROP COLUMN refunded_cents`);
    await q.query(`ALTER TABLE payments DROP COLUMN provider_payment_id`);
    await q.query(`UPDATE payments SET status = 'pending' WHERE status IN ('failed', 'expired')`);
    await q.query(`UPDATE payments SET status = 'completed' WHERE status IN ('refunded', 'disputed')`);
    await q.query(`ALTER TABLE payments DROP CONSTRAINT payments_status_check`);
    await q.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN ('pending', 'completed'))`,
    );
  }
}
