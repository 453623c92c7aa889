import { ServiceUnavailable } from '#libs/common';
import type { Tier } from '#libs/calculator';

export interface CheckoutRequest {
  sessionId: string;
  tier: Tier;
  email: string | null;
}

export interface CreatedCheckout {
  id: string;
  url: string;
}

/** What the provider says about a checkout: the only source of truth for "paid". */
export interface CheckoutState {
  id: string;
  paid: boolean;
  amountCents: number | null;
  currency: string | null;
  metadata: Record<string, string>;
  /** The provider's payment behind a paid checkout (Stripe's payment intent): what refunds name. */
  paymentId: string | null;
}

/** Money coming back, or not coming: what refund, dispute, expiry and failure events say. */
export type PaymentChange =
  | { kind: 'refunded'; paymentId: string; refundedCents: number; fully: boolean }
  | { kind: 'disputed'; paymentId: string }
  | { kind: 'dispute_closed'; paymentId: string; won: boolean }
  | { kind: 'expired'; checkoutId: string }
  | { kind: 'failed'; sessionId: string };

export interface ProviderEvent {
  id: string;
  type: string;
  /** For checkout events: the checkout id; for payment events: the session id in the metadata. */
  checkoutId?: string;
  sessionId?: string;
  change?: PaymentChange;
}

/** Stripe in production; the sandbox (same interface) when STRIPE_SECRET_KEY is unset. */
export abstract class PaymentProvider {
  abstract readonly name: 'stripe' | 'sandbox';
  abstract createCheckout(request: CheckoutRequest): Promise<CreatedCheckout>;
  abstract retrieveCheckout(id: string): Promise<CheckoutState | null>;
  /**
   * Refunds a paid checkout (all of it without `amountCents`). `idempotencyKey` makes a retried
   * call refund once.
   */
  abstract refund(r: {
    checkoutId: string;
    paymentId: string | null;
    amountCents?: number;
    idempotencyKey: string;
  }): Promise<void>;
  /** Closes an open checkout so it can no longer be paid: `paid` when it already was. */
  abstract expireCheckout(checkoutId: string): Promise<'expired' | 'paid'>;
  /** Verifies the signature over the raw body; throws InvalidSignature. */
  abstract parseWebhook(rawBody: Buffer, signature: string | undefined): ProviderEvent;
}

export class InvalidSignature extends Error {}

/**
 * No provider: payments are switched off and no Stripe key is set (or production without one and
 * without PAYMENTS_ALLOW_SANDBOX). Every operation answers 503 `payments_disabled`.
 */
export class DisabledPaymentProvider extends PaymentProvider {
  readonly name = 'sandbox' as const;

  private refuse(): never {
    throw new ServiceUnavailable('Payments are switched off', 'payments_disabled', 3600);
  }

  createCheckout(): Promise<CreatedCheckout> {
    this.refuse();
  }
  retrieveCheckout(): Promise<CheckoutState | null> {
    this.refuse();
  }
  refund(): Promise<void> {
    this.refuse();
  }
  expireCheckout(): Promise<'expired' | 'paid'> {
    this.refuse();
  }
  parseWebhook(): ProviderEvent {
    this.refuse();
  }
}
