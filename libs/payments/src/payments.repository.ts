import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface PaymentRow {
  id: string;
  session_id: string;
  tier: string;
  provider: 'stripe' | 'sandbox';
  checkout_session_id: string;
  amount_cents: number;
  currency: string;
  status: 'pending' | 'completed';
}

const COLUMNS = 'id, session_id, tier, provider, checkout_session_id, amount_cents, currency, status';

@Injectable()
export class PaymentsRepository {
  constructor(private readonly db: DataSource) {}

  async insert(p: Omit<PaymentRow, 'id' | 'status'>): Promise<PaymentRow> {
    const rows: PaymentRow[] = await this.db.query(
      `INSERT INTO payments (session_id, tier, provider, checkout_session_id, amount_cents, currency)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [p.session_id, p.tier, p.provider, p.checkout_session_id, p.amount_cents, p.currency],
    );
    return rows[0]!;
  }

  async findByCheckout(checkoutId: string): Promise<PaymentRow | null> {
    const rows: PaymentRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM payments WHERE checkout_session_id = $1`,
      [checkoutId],
    );
    return rows[0] ?? null;
  }

  async findLatestBySession(sessionId: string): Promise<PaymentRow | null> {
    const rows: PaymentRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM payments WHERE session_id = $1 ORDER BY (status = 'pending') DESC, created_at DESC LIMIT 1`,
      [sessionId],
    );
    return rows[0] ?? null;
  }

  async markCompleted(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      `UPDATE payments SET status = 'completed', completed_at = now() WHERE id = $1 AND status = 'pending'`,
      [id],
    );
  }

  /**
   * Claims the one use of a checkout's return link: true the first time, within `maxAgeSeconds`
   * of the payment's creation.
   */
  async redeemReturn(manager: EntityManager, id: string, maxAgeSeconds: number): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH u AS (
         UPDATE payments SET return_redeemed_at = now()
          WHERE id = $1 AND return_redeemed_at IS NULL AND created_at > now() - make_interval(secs => $2)
          RETURNING 1)
       SELECT * FROM u`,
      [id, maxAgeSeconds],
    );
    return rows.length === 1;
  }

  /** True the first time an event id is seen (inside the transaction that processes it). */
  async recordEvent(
    manager: EntityManager,
    provider: string,
    eventId: string,
    type: string,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO payment_events (provider, event_id, type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
      [provider, eventId, type],
    );
    return rows.length === 1;
  }
}
