import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CalculatorService, TiersService, type SessionRow, type Tier } from '#libs/calculator';
import { Conflict, NotFound, ServiceUnavailable, Unprocessable, ValidationFailed } from '#libs/common';
import { AppConfig } from '#libs/config';
import { ReportsService, reportLinks, type ReportRow } from '#libs/reports';
import { InvalidSignature, PaymentProvider, type CheckoutState } from './payment-provider.js';
import { PaymentsRepository, type PaymentRow, type PersonPayment } from './payments.repository.js';
import { SandboxPaymentProvider } from './sandbox.provider.js';
import { PaymentLifecycleService, type DuplicatePayment } from './payment-lifecycle.service.js';
import { CheckoutClaims } from './checkout-claims.js';

export interface SandboxPaymentState {
  checkout_session_id: string;
  status: string;
  refunded_cents: number;
}

export interface VerifiedPayment {
  access_token: string;
  expires_at: string;
  report_url: string;
  status_url: string;
}

/**
 * Checkout, verification and the paid transition. Whichever comes first — the provider's webhook,
 * the sandbox completion or the client's verify — performs the transition, in one transaction and
 * under a lock on the session: session paid, payment completed, report row, `report.generate` job.
 * Each owner does its part in the caller's transaction (CalculatorService, ReportsService).
 * Later calls find the report and (verify only) mint a fresh access token for it.
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    private readonly db: DataSource,
    private readonly provider: PaymentProvider,
    private readonly payments: PaymentsRepository,
    private readonly calculator: CalculatorService,
    private readonly tiers: TiersService,
    private readonly reports: ReportsService,
    private readonly config: AppConfig,
    private readonly lifecycle: PaymentLifecycleService,
    private readonly checkouts: CheckoutClaims,
  ) {}

  async checkout(
    session: SessionRow,
    tierCode: string,
  ): Promise<{ checkout_session_id: string; checkout_url: string }> {
    if (!this.config.payments.enabled)
      throw new ServiceUnavailable('Payments are switched off', 'payments_disabled');
    if (session.status !== 'in_progress')
      throw new Conflict('This session is already paid for', 'already_paid');
    if (session.step_completed < 4)
      throw new Conflict('Complete all four steps before checkout', 'steps_incomplete');
    const tier = await this.tierOrFail(tierCode);
    // one checkout of a session at a time: two tabs (or a double click) must not each leave one open
    return this.checkouts.whileClaimed(session.id, async () => {
      // one payment per session: earlier open checkouts are closed at the provider first
      const paidMeanwhile = await this.lifecycle.supersedeOpenCheckouts(session.id);
      if (paidMeanwhile) {
        const state = await this.provider.retrieveCheckout(paidMeanwhile.checkout_session_id);
        if (state) await this.completeAndRefundDuplicates(paidMeanwhile, state);
        throw new Conflict('This session is already paid for', 'already_paid');
      }
      const checkout = await this.provider.createCheckout({
        sessionId: session.id,
        tier,
        email: session.email,
      });
      await this.payments.insert({
        session_id: session.id,
        tier: tier.code,
        provider: this.provider.name,
        checkout_session_id: checkout.id,
        amount_cents: tier.price_cents,
        currency: tier.currency,
      });
      await this.calculator.markPaymentPending(session.id, tier.code);
      return { checkout_session_id: checkout.id, checkout_url: checkout.url };
    });
  }

  /** The client's check: paid, amount and currency as the tier, this session in the metadata. */
  async verify(session: SessionRow, checkoutId: string): Promise<VerifiedPayment> {
    const payment = await this.payments.findByCheckout(checkoutId);
    if (!payment || payment.session_id !== session.id)
      throw new NotFound('Checkout session', 'checkout_not_found');
    const state = await this.provider.retrieveCheckout(checkoutId);
    if (!state) throw new NotFound('Checkout session', 'checkout_not_found');
    const tier = await this.tierOrFail(payment.tier);
    const { result, duplicate } = await this.db.transaction(async (manager) => {
      const paid = await this.completePaid(manager, payment, tier, state);
      const token = await this.reports.issueOwnerToken(manager, paid.report.id);
      return {
        duplicate: paid.duplicate,
        result: {
          access_token: token,
          expires_at: paid.report.expires_at.toISOString(),
          ...reportLinks(this.config.http.publicBaseUrl, token),
        },
      };
    });
    await this.refundIfDuplicate(duplicate);
    return result;
  }

  /** Provider webhook: signature checked on the raw body, each event id processed once. */
  async handleWebhook(
    rawBody: Buffer | undefined,
    signature: string | undefined,
  ): Promise<{ received: true; duplicate?: true; ignored?: true }> {
    if (!rawBody) throw new ValidationFailed('The webhook body is missing', [], 'invalid_payload');
    let event;
    try {
      event = this.provider.parseWebhook(rawBody, signature);
    } catch (err) {
      if (err instanceof InvalidSignature)
        throw new ValidationFailed('The webhook signature does not verify', [], 'invalid_signature');
      throw err;
    }
    if (event.change) {
      const change = event.change;
      const changed = await this.lifecycle.paymentOf(change);
      return this.db.transaction(async (manager) => {
        if (!(await this.payments.recordEvent(manager, this.provider.name, event.id, event.type))) {
          return { received: true as const, duplicate: true as const };
        }
        if (!changed) return { received: true as const, ignored: true as const };
        await this.lifecycle.apply(manager, changed, change, event.id);
        return { received: true as const };
      });
    }
    const payment = event.checkoutId
      ? await this.payments.findByCheckout(event.checkoutId)
      : event.sessionId
        ? await this.payments.findLatestBySession(event.sessionId)
        : null;
    const state = payment ? await this.provider.retrieveCheckout(payment.checkout_session_id) : null;
    const tier = payment && state ? await this.tierOrFail(payment.tier) : null;
    const { response, duplicate } = await this.db.transaction(async (manager) => {
      if (!(await this.payments.recordEvent(manager, this.provider.name, event.id, event.type))) {
        return { response: { received: true as const, duplicate: true as const }, duplicate: null };
      }
      if (!payment || !state || !tier) {
        return { response: { received: true as const, ignored: true as const }, duplicate: null };
      }
      const paid = await this.completePaid(manager, payment, tier, state);
      return { response: { received: true as const }, duplicate: paid.duplicate };
    });
    await this.refundIfDuplicate(duplicate);
    return response;
  }

  /** Sandbox only: pay a checkout and process it as Stripe's webhook would. */
  async completeSandbox(checkoutId: string): Promise<{ checkout_session_id: string; status: 'paid' }> {
    if (!(this.provider instanceof SandboxPaymentProvider))
      throw new NotFound('Sandbox checkout', 'sandbox_disabled');
    const payment = await this.payments.findByCheckout(checkoutId);
    if (!payment) throw new NotFound('Sandbox checkout');
    await this.provider.pay(checkoutId);
    const state = await this.provider.retrieveCheckout(checkoutId);
    await this.completeAndRefundDuplicates(payment, state!);
    return { checkout_session_id: checkoutId, status: 'paid' };
  }

  /** Sandbox only: refund (part of) a paid checkout, processed as Stripe's `charge.refunded` would be. */
  async sandboxRefund(checkoutId: string, amountCents?: number): Promise<SandboxPaymentState> {
    const sandbox = this.sandbox();
    const payment = await this.payments.findByCheckout(checkoutId);
    if (!payment) throw new NotFound('Sandbox checkout');
    const refunded = await sandbox.refundTotal(checkoutId, amountCents);
    if (!refunded)
      throw new Conflict(
        'Only a paid checkout with something left to refund can be refunded',
        'payment_not_completed',
      );
    const change = {
      kind: 'refunded' as const,
      paymentId: checkoutId,
      refundedCents: refunded.refunded,
      fully: refunded.refunded >= refunded.amount,
    };
    await this.db.transaction((m) => this.lifecycle.apply(m, payment, change, null));
    return this.sandboxState(checkoutId);
  }

  /** Sandbox only: the buyer disputes the payment, processed as `charge.dispute.created` would be. */
  async sandboxDispute(checkoutId: string): Promise<SandboxPaymentState> {
    const sandbox = this.sandbox();
    const payment = await this.payments.findByCheckout(checkoutId);
    if (!payment) throw new NotFound('Sandbox checkout');
    if (!(await sandbox.dispute(checkoutId)))
      throw new Conflict('Only a paid checkout can be disputed', 'payment_not_completed');
    await this.db.transaction((m) =>
      this.lifecycle.apply(m, payment, { kind: 'disputed', paymentId: checkoutId }, null),
    );
    return this.sandboxState(checkoutId);
  }

  private sandbox(): SandboxPaymentProvider {
    if (!(this.provider instanceof SandboxPaymentProvider))
      throw new NotFound('Sandbox checkout', 'sandbox_disabled');
    return this.provider;
  }

  private async sandboxState(checkoutId: string): Promise<SandboxPaymentState> {
    const p = (await this.payments.findByCheckout(checkoutId))!;
    return { checkout_session_id: checkoutId, status: p.status, refunded_cents: p.refunded_cents };
  }

  /** The sandbox checkout as its page shows it: the tier bought and whether it is paid. */
  async sandboxCheckout(checkoutId: string): Promise<{ state: CheckoutState; tier: Tier }> {
    if (!(this.provider instanceof SandboxPaymentProvider))
      throw new NotFound('Sandbox checkout', 'sandbox_disabled');
    const payment = await this.payments.findByCheckout(checkoutId);
    const state = await this.provider.retrieveCheckout(checkoutId);
    if (!payment || !state) throw new NotFound('Sandbox checkout');
    return { state, tier: await this.tierOrFail(payment.tier) };
  }

  /**
   * The return from checkout (the default success URL, for Stripe and the sandbox alike): the
   * checkout is confirmed with the provider (paid, amount, currency, session), the report created
   * if the webhook has not done it yet, and a report link issued — once per checkout, within
   * RETURN_WINDOW_SECONDS of it, since the checkout id is all the caller shows.
   */
  async returnFromCheckout(checkoutId: string): Promise<{ token: string } | { used: true }> {
    const payment = await this.payments.findByCheckout(checkoutId);
    if (!payment) throw new NotFound('Checkout session', 'checkout_not_found');
    const state = await this.provider.retrieveCheckout(checkoutId);
    if (!state) throw new NotFound('Checkout session', 'checkout_not_found');
    const tier = await this.tierOrFail(payment.tier);
    const { result, duplicate } = await this.db.transaction(async (manager) => {
      const paid = await this.completePaid(manager, payment, tier, state);
      const redeemed = await this.payments.redeemReturn(manager, payment.id, RETURN_WINDOW_SECONDS);
      return {
        duplicate: paid.duplicate,
        result: redeemed
          ? { token: await this.reports.issueOwnerToken(manager, paid.report.id) }
          : { used: true as const },
      };
    });
    await this.refundIfDuplicate(duplicate);
    return result;
  }

  /** Where the sandbox page's buttons lead: the success URL with the checkout id, or the cancel URL. */
  /** A person's payments (their copy of their data). */
  ofSessions(manager: EntityManager, sessionIds: string[]): Promise<PersonPayment[]> {
    return sessionIds.length ? this.payments.ofSessions(manager, sessionIds) : Promise.resolve([]);
  }

  /** Erasure, in the caller's transaction: the payments stay for accounting, unlinked from the person. */
  unlinkSessions(manager: EntityManager, sessionIds: string[]): Promise<number> {
    return sessionIds.length ? this.payments.unlinkSessions(manager, sessionIds) : Promise.resolve(0);
  }

  /**
   * Where a checkout's payment page is, for the CSP of a page whose form redirects there: Stripe's
   * hosted page (and its stand-in, when the SDK points elsewhere); the sandbox's is this origin.
   */
  checkoutOrigins(): string[] {
    if (this.config.payments.provider !== 'stripe') return [];
    const base = this.config.payments.stripeApiBase;
    return ['https://checkout.stripe.com', ...(base ? [new URL(base).origin] : [])];
  }

  returnUrls(checkoutId: string): { success: string; cancel: string } {
    const { successUrl, cancelUrl } = this.config.payments;
    return {
      success: successUrl.replace('{CHECKOUT_SESSION_ID}', encodeURIComponent(checkoutId)),
      cancel: cancelUrl,
    };
  }

  /** The paid transition in its own transaction, then the refund of a duplicate payment (outside it). */
  private async completeAndRefundDuplicates(payment: PaymentRow, state: CheckoutState): Promise<void> {
    const tier = await this.tierOrFail(payment.tier);
    const { duplicate } = await this.db.transaction((m) => this.completePaid(m, payment, tier, state));
    await this.refundIfDuplicate(duplicate);
  }

  /**
   * The paid transition, in the caller's transaction and on its connection only (the tier is read
   * before the transaction). A second payment for a session that is paid already is not refunded
   * here — that is a call to the provider, never made inside a transaction: its refund is recorded
   * as intent (a queued job, committed with this transaction) and returned, for the caller to make
   * after the commit.
   */
  private async completePaid(
    manager: EntityManager,
    payment: PaymentRow,
    tier: Tier,
    state: CheckoutState,
  ): Promise<{ report: ReportRow; duplicate: DuplicatePayment | null }> {
    assertMatches(payment, tier, state);
    // a payment whose buyer's data was erased is linked to no session any more
    if (!payment.session_id) throw new NotFound('Session');
    const session = await this.calculator.lockForPayment(manager, payment.session_id);
    if (!session) throw new NotFound('Session');
    const existing = await this.reports.findBySession(manager, session.id);
    if (existing) {
      // a second payment for a paid session is refunded, never kept
      const duplicate =
        existing.payment_id !== payment.id && (payment.status === 'pending' || payment.status === 'expired')
          ? await this.lifecycle.recordDuplicate(manager, payment, state.paymentId)
          : null;
      return { report: existing, duplicate };
    }
    const email = (session.profile.email as string | undefined) ?? session.email;
    if (!email) throw new Conflict('The session has no e-mail address', 'steps_incomplete');
    await this.calculator.markPaid(manager, session.id, tier.code);
    await this.payments.markCompleted(manager, payment.id, state.paymentId);
    const report = await this.reports.createForPayment(manager, {
      sessionId: session.id,
      paymentId: payment.id,
      tier: tier.code,
      email,
      expiryDays: tier.report_expiry_days,
      revisionsAllowed: tier.revisions,
    });
    return { report, duplicate: null };
  }

  /** After the commit: refund a duplicate now; its queued job retries if this fails or the process dies. */
  private async refundIfDuplicate(duplicate: DuplicatePayment | null): Promise<void> {
    if (!duplicate) return;
    try {
      await this.lifecycle.refundDuplicate(duplicate);
    } catch (err) {
      this.logger.warn({
        msg: 'refund of a duplicate payment failed; its job retries it',
        payment_id: duplicate.paymentId,
        err: String(err),
      });
    }
  }

  private tierOrFail(code: string): Promise<Tier> {
    return this.tiers.activeOrFail(code);
  }
}

/** How long after checkout its return link may be used (once). */
export const RETURN_WINDOW_SECONDS = 3600;

function assertMatches(payment: PaymentRow, tier: Tier, state: CheckoutState): void {
  if (!state.paid) throw new Conflict('The checkout has not been paid', 'payment_not_completed');
  const problems: string[] = [];
  if (state.amountCents !== tier.price_cents)
    problems.push(`amount ${state.amountCents} ≠ tier price ${tier.price_cents}`);
  if ((state.currency ?? '').toLowerCase() !== tier.currency)
    problems.push(`currency ${state.currency} ≠ ${tier.currency}`);
  if (state.metadata.session_id !== payment.session_id)
    problems.push('the checkout belongs to another session');
  if (state.metadata.tier !== payment.tier) problems.push('the checkout is for another tier');
  if (problems.length) {
    throw new Unprocessable(
      'The payment does not match the order',
      'payment_mismatch',
      problems.map((message) => ({ message })),
    );
  }
}
