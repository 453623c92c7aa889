import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { affectedRows, rowsOf } from '#libs/db';
import { type SandboxCheckout } from './payments.entities.js';
import { AppConfig } from '#libs/config';
import {
  InvalidSignature,
  PaymentProvider,
  type CheckoutRequest,
  type CheckoutState,
  type CreatedCheckout,
  type ProviderEvent,
} from './payment-provider.js';

/**
 * A local stand-in for Stripe Checkout (no STRIPE_SECRET_KEY; refused in production). It keeps its
 * checkouts in `sandbox_checkouts`; POST /api/v1/payments/sandbox/:id/complete pays one.
 */
export class SandboxPaymentProvider extends PaymentProvider {
  readonly name = 'sandbox' as const;

  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async createCheckout(req: CheckoutRequest): Promise<CreatedCheckout> {
    const id = `cs_sandbox_${randomBytes(16).toString('hex')}`;
    await this.db.query(
      `INSERT INTO sandbox_checkouts (id, amount_cents, currency, metadata) VALUES ($1, $2, $3, $4)`,
      [
        id,
        req.tier.price_cents,
        req.tier.currency,
        JSON.stringify({ session_id: req.sessionId, tier: req.tier.code }),
      ],
    );
    return { id, url: `${this.config.http.publicBaseUrl}/api/v1/payments/sandbox/${id}` };
  }

  async retrieveCheckout(id: string): Promise<CheckoutState | null> {
    const rows = await rowsOf<
      Pick<SandboxCheckout, 'id' | 'amount_cents' | 'currency' | 'status'> & {
        metadata: Record<string, string>;
      }
    >(this.db, `SELECT id, amount_cents, currency, metadata, status FROM sandbox_checkouts WHERE id = $1`, [
      id,
    ]);
    const row = rows[0];
    return row
      ? {
          id: row.id,
          paid: row.status === 'paid',
          amountCents: row.amount_cents,
          currency: row.currency,
          metadata: row.metadata,
          paymentId: row.status === 'paid' ? row.id : null, // the sandbox's payment is its checkout
        }
      : null;
  }

  /** Refunds (part of) a paid sandbox checkout; the refunded total, as Stripe's charge reports it. */
  async refund(r: { checkoutId: string; amountCents?: number }): Promise<void> {
    await this.refundTotal(r.checkoutId, r.amountCents);
  }

  async refundTotal(
    checkoutId: string,
    amountCents?: number,
  ): Promise<{ refunded: number; amount: number } | null> {
    const rows = await rowsOf<Pick<SandboxCheckout, 'refunded_cents' | 'amount_cents'>>(
      this.db,
      `UPDATE sandbox_checkouts
          SET refunded_cents = least(amount_cents, refunded_cents + coalesce($2, amount_cents))
        WHERE id = $1 AND status = 'paid' AND refunded_cents < amount_cents RETURNING refunded_cents, amount_cents`,
      [checkoutId, amountCents ?? null],
    );
    return rows[0] ? { refunded: rows[0].refunded_cents, amount: rows[0].amount_cents } : null;
  }

  async dispute(checkoutId: string): Promise<boolean> {
    const changed = await affectedRows(
      this.db,
      `UPDATE sandbox_checkouts SET disputed = true WHERE id = $1 AND status = 'paid'`,
      [checkoutId],
    );
    return changed === 1;
  }

  async expireCheckout(checkoutId: string): Promise<'expired' | 'paid'> {
    const rows = await rowsOf<Pick<SandboxCheckout, 'status'>>(
      this.db,
      `UPDATE sandbox_checkouts SET status = CASE WHEN status = 'open' THEN 'expired' ELSE status END
                   WHERE id = $1 RETURNING status`,
      [checkoutId],
    );
    return rows[0]?.status === 'paid' ? 'paid' : 'expired';
  }

  /** Marks a sandbox checkout paid, as a card payment on Stripe's page would. */
  async pay(id: string): Promise<boolean> {
    const count = await affectedRows(
      this.db,
      `UPDATE sandbox_checkouts SET status = 'paid', paid_at = now() WHERE id = $1 AND status = 'open'`,
      [id],
    );
    return count > 0;
  }

  parseWebhook(): ProviderEvent {
    throw new InvalidSignature('the sandbox provider receives no webhooks');
  }
}
