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
}

export interface ProviderEvent {
  id: string;
  type: string;
  /** For checkout events: the checkout id; for payment events: the session id in the metadata. */
  checkoutId?: string;
  sessionId?: string;
}

/** Stripe in production; the sandbox (same interface) when STRIPE_SECRET_KEY is unset. */
export abstract class PaymentProvider {
  abstract readonly name: 'stripe' | 'sandbox';
  abstract createCheckout(request: CheckoutRequest): Promise<CreatedCheckout>;
  abstract retrieveCheckout(id: string): Promise<CheckoutState | null>;
  /** Verifies the signature over the raw body; throws InvalidSignature. */
  abstract parseWebhook(rawBody: Buffer, signature: string | undefined): ProviderEvent;
}

export class InvalidSignature extends Error {}
