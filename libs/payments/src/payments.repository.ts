import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { affectedRows, execute, firstRow, rowsOf } from '#libs/db';
import { type Payment } from './payments.entities.js';

export type PaymentRow = Pick<
  Payment,
  | 'id'
  | 'session_id'
  | 'tier'
  | 'provider'
  | 'checkout_session_id'
  | 'amount_cents'
  | 'currency'
  | 'status'
  | 'provider_payment_id'
  | 'refunded_cents'
>;

export type PaymentStatus = Payment['status'];

const COLUMNS =
  'id, session_id, tier, provider, checkout_session_id, amount_cents, currency, status, provider_payment_id, refunded_cents';

@Injectable()
export class PaymentsRepository {
  constructor(private readonly db: DataSource) {}

  async insert(
    p: Omit<PaymentRow, 'id' | 'status' | 'provider_payment_id' | 'refunded_cents'>,
  ): Promise<PaymentRow> {
    const rows = await rowsOf<PaymentRow>(
      this.db,
      `INSERT INTO payments (session_id, tier, provider, checkout_session_id, amount_cents, currency)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [p.session_id, p.tier, p.provider, p.checkout_session_id, p.amount_cents, p.currency],
    );
    return rows[0]!;
  }

  async findById(id: string): Promise<PaymentRow | null> {
    return (
      (await firstRow<PaymentRow>(this.db, `SELECT ${COLUMNS} FROM payments WHERE id = $1`, [id])) ?? null
    );
  }

  /** The provider's payment behind a checkout, once known (kept when already recorded). */
  async recordProviderPayment(
    manager: EntityManager,
    id: string,
    providerPaymentId: string | null,
  ): Promise<void> {
    await execute(
      manager,
      `UPDATE payments SET provider_payment_id = coalesce($2, provider_payment_id) WHERE id = $1`,
      [id, providerPaymentId],
    );
  }

  async findByCheckout(checkoutId: string): Promise<PaymentRow | null> {
    const row = await firstRow<PaymentRow>(
      this.db,
      `SELECT ${COLUMNS} FROM payments WHERE checkout_session_id = $1`,
      [checkoutId],
    );
    return row ?? null;
  }

  async findLatestBySession(sessionId: string): Promise<PaymentRow | null> {
    const row = await firstRow<PaymentRow>(
      this.db,
      `SELECT ${COLUMNS} FROM payments WHERE session_id = $1 ORDER BY (status = 'pending') DESC, created_at DESC LIMIT 1`,
      [sessionId],
    );
    return row ?? null;
  }

  /**
   * The provider says this checkout is paid: the payment is completed, whatever we last thought of
   * it (pending, or expired/failed by an event that raced the payment), and the move recorded.
   */
  async markCompleted(manager: EntityManager, id: string, providerPaymentId: string | null): Promise<void> {
    const moved = await this.transition(manager, {
      id,
      from: ['pending', 'expired', 'failed'],
      to: 'completed',
      reason: 'paid',
    });
    if (moved || providerPaymentId) {
      await execute(
        manager,
        `UPDATE payments SET completed_at = coalesce(completed_at, now()), provider_payment_id = coalesce($2, provider_payment_id)
          WHERE id = $1`,
        [id, providerPaymentId],
      );
    }
  }

  /** Open checkouts of a session (a new checkout supersedes them). */
  async pendingOfSession(sessionId: string): Promise<PaymentRow[]> {
    return rowsOf<PaymentRow>(
      this.db,
      `SELECT ${COLUMNS} FROM payments WHERE session_id = $1 AND status = 'pending'`,
      [sessionId],
    );
  }

  async findByProviderPayment(providerPaymentId: string): Promise<PaymentRow | null> {
    const row = await firstRow<PaymentRow>(
      this.db,
      `SELECT ${COLUMNS} FROM payments WHERE provider_payment_id = $1 OR (provider = 'sandbox' AND checkout_session_id = $1)`,
      [providerPaymentId],
    );
    return row ?? null;
  }

  /**
   * Moves a payment from one status to another and records why, in the caller's transaction;
   * false when it was not in `from` any more (another event moved it first).
   */
  async transition(
    manager: EntityManager,
    t: {
      id: string;
      from: PaymentStatus[];
      to: PaymentStatus;
      reason: string;
      amountCents?: number | null;
      refundedCents?: number;
      eventId?: string | null;
    },
  ): Promise<boolean> {
    const rows = await rowsOf<{ from_status: string }>(
      manager,
      `WITH old AS (SELECT status FROM payments WHERE id = $1 AND status = ANY($2) FOR UPDATE),
            u AS (UPDATE payments p SET status = $3, refunded_cents = greatest(p.refunded_cents, coalesce($4, 0))
                    FROM old WHERE p.id = $1 RETURNING old.status AS from_status)
       SELECT * FROM u`,
      [t.id, t.from, t.to, t.refundedCents ?? null],
    );
    if (rows.length === 0) return false;
    await execute(
      manager,
      `INSERT INTO payment_transitions (payment_id, from_status, to_status, reason, amount_cents, provider_event_id)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [t.id, rows[0]!.from_status, t.to, t.reason, t.amountCents ?? null, t.eventId ?? null],
    );
    return true;
  }

  /**
   * Claims the one use of a checkout's return link: true the first time, within `maxAgeSeconds`
   * of the payment's creation.
   */
  async redeemReturn(manager: EntityManager, id: string, maxAgeSeconds: number): Promise<boolean> {
    const changed = await affectedRows(
      manager,
      `UPDATE payments SET return_redeemed_at = now()
        WHERE id = $1 AND return_redeemed_at IS NULL AND created_at > now() - make_interval(secs => $2)`,
      [id, maxAgeSeconds],
    );
    return changed === 1;
  }

  /** True the first time an event id is seen (inside the transaction that processes it). */
  async recordEvent(
    manager: EntityManager,
    provider: string,
    eventId: string,
    type: string,
  ): Promise<boolean> {
    const changed = await affectedRows(
      manager,
      `INSERT INTO payment_events (provider, event_id, type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [provider, eventId, type],
    );
    return changed === 1;
  }

  /** What a person's copy of their data shows of their payments. */
  async ofSessions(manager: EntityManager, ids: string[]): Promise<PersonPayment[]> {
    return rowsOf<PersonPayment>(
      manager,
      `SELECT tier, provider, amount_cents, currency, status, refunded_cents, created_at, completed_at
         FROM payments WHERE session_id = ANY($1::uuid[]) ORDER BY created_at`,
      [ids],
    );
  }

  /** Erasure: the payments stay (amount, currency, dates, provider ids: accounting) without the person. */
  unlinkSessions(manager: EntityManager, ids: string[]): Promise<number> {
    return affectedRows(manager, `UPDATE payments SET session_id = NULL WHERE session_id = ANY($1::uuid[])`, [
      ids,
    ]);
  }
}

export type PersonPayment = Pick<
  Payment,
  | 'tier'
  | 'provider'
  | 'amount_cents'
  | 'currency'
  | 'status'
  | 'refunded_cents'
  | 'created_at'
  | 'completed_at'
>;
