import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { QueueService } from '#libs/queue';
import { ReportsService } from '#libs/reports';
import { PaymentProvider, type PaymentChange } from './payment-provider.js';
import { PaymentsRepository, type PaymentRow } from './payments.repository.js';

/**
 * What happens to a payment after checkout: refunds (full → the report is taken back; partial →
 * kept, recorded), disputes (taken back while disputed), expiry and failure (the session may check
 * out again), a duplicate payment refunded through the provider. Every move is recorded in
 * payment_transitions, in the transaction that makes it.
 */
@Injectable()
export class PaymentLifecycleService {
  private readonly logger = new Logger(PaymentLifecycleService.name);

  constructor(
    private readonly db: DataSource,
    private readonly provider: PaymentProvider,
    private readonly payments: PaymentsRepository,
    private readonly reports: ReportsService,
    private readonly queue: QueueService,
  ) {}

  /** The payment a change is about, or null (not ours, or not yet known). */
  async paymentOf(change: PaymentChange): Promise<PaymentRow | null> {
    switch (change.kind) {
      case 'refunded':
      case 'disputed':
      case 'dispute_closed':
        return this.payments.findByProviderPayment(change.paymentId);
      case 'expired':
        return this.payments.findByCheckout(change.checkoutId);
      case 'failed':
        return (await this.payments.pendingOfSession(change.sessionId))[0] ?? null;
    }
  }

  /** Applies a provider's change in the caller's transaction. */
  async apply(
    m: EntityManager,
    payment: PaymentRow,
    change: PaymentChange,
    eventId: string | null,
  ): Promise<void> {
    switch (change.kind) {
      case 'refunded': {
        if (change.fully) {
          const moved = await this.payments.transition(m, {
            id: payment.id,
            from: ['completed', 'disputed'],
            to: 'refunded',
            reason: 'refunded in full',
            amountCents: change.refundedCents,
            refundedCents: change.refundedCents,
            eventId,
          });
          if (moved) await this.reports.revokeForPayment(m, payment.id, 'refunded');
        } else {
          // a partial refund: access is kept; the amount is recorded
          await this.payments.transition(m, {
            id: payment.id,
            from: ['completed'],
            to: 'completed',
            reason: 'refunded in part',
            amountCents: change.refundedCents,
            refundedCents: change.refundedCents,
            eventId,
          });
        }
        return;
      }
      case 'disputed': {
        const moved = await this.payments.transition(m, {
          id: payment.id,
          from: ['completed'],
          to: 'disputed',
          reason: 'the buyer opened a dispute',
          eventId,
        });
        if (moved) await this.reports.revokeForPayment(m, payment.id, 'disputed');
        return;
      }
      case 'dispute_closed': {
        // won: the money stays and so does the report; lost: the money went back to the buyer
        const moved = await this.payments.transition(m, {
          id: payment.id,
          from: ['disputed'],
          to: change.won ? 'completed' : 'refunded',
          reason: change.won ? 'the dispute was won' : 'the dispute was lost',
          eventId,
        });
        if (moved && change.won) await this.reports.restoreForPayment(m, payment.id, 'disputed');
        if (moved && !change.won) await this.reports.revokeForPayment(m, payment.id, 'refunded');
        return;
      }
      case 'expired':
        await this.payments.transition(m, {
          id: payment.id,
          from: ['pending'],
          to: 'expired',
          reason: 'the checkout expired',
          eventId,
        });
        return;
      case 'failed':
        await this.payments.transition(m, {
          id: payment.id,
          from: ['pending'],
          to: 'failed',
          reason: 'the payment failed',
          eventId,
        });
        return;
    }
  }

  /**
   * Before a new checkout: earlier open checkouts of the session are closed at the provider, so
   * at most one can be paid. Returns a checkout that turned out to be paid already, if any.
   */
  async supersedeOpenCheckouts(sessionId: string): Promise<PaymentRow | null> {
    for (const open of await this.payments.pendingOfSession(sessionId)) {
      if ((await this.provider.expireCheckout(open.checkout_session_id)) === 'paid') return open;
      await this.db.transaction((m) =>
        this.payments.transition(m, {
          id: open.id,
          from: ['pending'],
          to: 'expired',
          reason: 'superseded by a new checkout',
        }),
      );
    }
    return null;
  }

  /**
   * A second successful payment for a session that is paid already (two checkouts paid at once):
   * inside the paid transition's transaction, the intent to refund it is recorded — a
   * `payments.refund-duplicate` job (id = the payment's, so it is queued once), due a minute
   * later — and the caller refunds it right after the commit (refundDuplicate). The job is the
   * retry when that call fails or the process dies before making it.
   */
  async recordDuplicate(
    m: EntityManager,
    payment: PaymentRow,
    providerPaymentId: string | null,
  ): Promise<DuplicatePayment> {
    const duplicate = { paymentId: payment.id, providerPaymentId };
    await this.queue.send('payments.refund-duplicate', duplicate, {
      manager: m,
      id: payment.id,
      startAfter: DUPLICATE_REFUND_RETRY_SECONDS,
    });
    return duplicate;
  }

  /**
   * Refunds a duplicate payment through the provider (outside any transaction; the idempotency key
   * makes a repeated call refund once), then records it. A payment no longer pending or expired
   * has been dealt with already: nothing is done.
   */
  async refundDuplicate(duplicate: DuplicatePayment): Promise<void> {
    const payment = await this.payments.findById(duplicate.paymentId);
    if (!payment || (payment.status !== 'pending' && payment.status !== 'expired')) return;
    await this.provider.refund({
      checkoutId: payment.checkout_session_id,
      paymentId: duplicate.providerPaymentId,
      idempotencyKey: `refund-duplicate-${payment.id}`,
    });
    const moved = await this.db.transaction(async (m) => {
      await this.payments.recordProviderPayment(m, payment.id, duplicate.providerPaymentId);
      return this.payments.transition(m, {
        id: payment.id,
        from: ['pending', 'expired'],
        to: 'refunded',
        reason: 'duplicate payment for an already paid session, refunded through the provider',
        amountCents: payment.amount_cents,
        refundedCents: payment.amount_cents,
      });
    });
    if (moved)
      this.logger.warn({ msg: 'second payment for a paid session refunded', payment_id: payment.id });
  }
}

/** A duplicate payment whose refund is owed (the payload of `payments.refund-duplicate`). */
export interface DuplicatePayment {
  paymentId: string;
  providerPaymentId: string | null;
}

/** When the queued refund of a duplicate runs if the request that found it did not refund it. */
const DUPLICATE_REFUND_RETRY_SECONDS = 60;
