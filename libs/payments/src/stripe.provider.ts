import Stripe from 'stripe';
import { AppConfig } from '#libs/config';
import {
  InvalidSignature,
  PaymentProvider,
  type CheckoutRequest,
  type CheckoutState,
  type CreatedCheckout,
  type ProviderEvent,
} from './payment-provider.js';

/** Stripe Checkout through the official SDK (STRIPE_API_BASE points it at a fake in tests). */
export class StripePaymentProvider extends PaymentProvider {
  readonly name = 'stripe' as const;
  private readonly stripe: Stripe;

  constructor(private readonly config: AppConfig) {
    super();
    const base = config.payments.stripeApiBase ? new URL(config.payments.stripeApiBase) : null;
    this.stripe = new Stripe(config.payments.stripeSecretKey!, {
      maxNetworkRetries: 2,
      timeout: 20_000,
      ...(base
        ? {
            host: base.hostname,
            port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
            protocol: base.protocol.replace(':', '') as 'http' | 'https',
          }
        : {}),
    });
  }

  async createCheckout(req: CheckoutRequest): Promise<CreatedCheckout> {
    const metadata = { session_id: req.sessionId, tier: req.tier.code };
    const session = await this.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: req.tier.currency,
            unit_amount: req.tier.price_cents,
            product_data: { name: `Nutrition report — ${req.tier.name}` },
          },
        },
      ],
      metadata,
      payment_intent_data: { metadata },
      client_reference_id: req.sessionId,
      ...(req.email ? { customer_email: req.email } : {}),
      success_url: this.config.payments.successUrl,
      cancel_url: this.config.payments.cancelUrl,
    });
    if (!session.url) throw new Error('Stripe returned a checkout session without a URL');
    return { id: session.id, url: session.url };
  }

  async retrieveCheckout(id: string): Promise<CheckoutState | null> {
    try {
      const s = await this.stripe.checkout.sessions.retrieve(id);
      return {
        id: s.id,
        paid: s.payment_status === 'paid' || s.payment_status === 'no_payment_required',
        amountCents: s.amount_total ?? null,
        currency: s.currency ?? null,
        metadata: (s.metadata ?? {}) as Record<string, string>,
        paymentId: typeof s.payment_intent === 'string' ? s.payment_intent : (s.payment_intent?.id ?? null),
      };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return null;
      throw err;
    }
  }

  async refund(r: {
    checkoutId: string;
    paymentId: string | null;
    amountCents?: number;
    idempotencyKey: string;
  }): Promise<void> {
    const paymentIntent = r.paymentId ?? (await this.retrieveCheckout(r.checkoutId))?.paymentId;
    if (!paymentIntent) throw new Error(`checkout ${r.checkoutId} has no payment to refund`);
    await this.stripe.refunds.create(
      { payment_intent: paymentIntent, ...(r.amountCents !== undefined ? { amount: r.amountCents } : {}) },
      { idempotencyKey: r.idempotencyKey },
    );
  }

  async expireCheckout(checkoutId: string): Promise<'expired' | 'paid'> {
    try {
      await this.stripe.checkout.sessions.expire(checkoutId);
      return 'expired';
    } catch (err) {
      // Stripe refuses to expire a session that is no longer open: paid, or expired already
      const state = await this.retrieveCheckout(checkoutId);
      if (state?.paid) return 'paid';
      if (state) return 'expired';
      throw err;
    }
  }

  parseWebhook(rawBody: Buffer, signature: string | undefined): ProviderEvent {
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        signature ?? '',
        this.config.payments.stripeWebhookSecret!,
      );
    } catch (err) {
      throw new InvalidSignature(err instanceof Error ? err.message : 'invalid signature');
    }
    const object = event.data.object as { id?: string; metadata?: Record<string, string> | null };
    if (
      event.type === 'checkout.session.completed' ||
      event.type === 'checkout.session.async_payment_succeeded'
    ) {
      return { id: event.id, type: event.type, checkoutId: object.id };
    }
    if (event.type === 'payment_intent.succeeded') {
      return { id: event.id, type: event.type, sessionId: object.metadata?.session_id };
    }
    const base = { id: event.id, type: event.type };
    if (event.type === 'charge.refunded') {
      const charge = event.data.object;
      const paymentId =
        typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
      if (!paymentId) return base;
      return {
        ...base,
        change: {
          kind: 'refunded',
          paymentId,
          refundedCents: charge.amount_refunded,
          fully: charge.refunded,
        },
      };
    }
    if (event.type === 'charge.dispute.created') {
      const dispute = event.data.object;
      const paymentId =
        typeof dispute.payment_intent === 'string' ? dispute.payment_intent : dispute.payment_intent?.id;
      return paymentId ? { ...base, change: { kind: 'disputed', paymentId } } : base;
    }
    if (event.type === 'charge.dispute.closed') {
      const dispute = event.data.object;
      const paymentId =
        typeof dispute.payment_intent === 'string' ? dispute.payment_intent : dispute.payment_intent?.id;
      return paymentId
        ? { ...base, change: { kind: 'dispute_closed', paymentId, won: dispute.status === 'won' } }
        : base;
    }
    if (event.type === 'checkout.session.expired' && object.id) {
      return { ...base, change: { kind: 'expired', checkoutId: object.id } };
    }
    if (event.type === 'payment_intent.payment_failed' && object.metadata?.session_id) {
      return { ...base, change: { kind: 'failed', sessionId: object.metadata.session_id } };
    }
    return base;
  }
}
