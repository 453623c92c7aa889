import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
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
    const rows: {
      id: string;
      amount_cents: number;
      currency: string;
      metadata: Record<string, string>;
      status: string;
    }[] = await this.db.query(
      `SELECT id, amount_cents, currency, metadata, status FROM sandbox_checkouts WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    return row
      ? {
          id: row.id,
          paid: row.status === 'paid',
          amountCents: row.amount_cents,
          currency: row.currency,
          metadata: row.metadata,
        }
      : null;
  }

  /** Marks a sandbox checkout paid, as a card payment on Stripe's page would. */
  async pay(id: string): Promise<boolean> {
    const [, count] = await this.db.query(
      `UPDATE sandbox_checkouts SET status = 'paid', paid_at = now() WHERE id = $1 AND status = 'open'`,
      [id],
    );
    return (count as number) > 0;
  }

  parseWebhook(): ProviderEvent {
    throw new InvalidSignature('the sandbox provider receives no webhooks');
  }
}
