import { Job, type JobHandler } from '#libs/queue';
import { PaymentLifecycleService, type DuplicatePayment } from './payment-lifecycle.service.js';

/** The retry of a duplicate payment's refund: a no-op when the request that found it refunded it. */
@Job('payments.refund-duplicate')
export class RefundDuplicateJob implements JobHandler<'payments.refund-duplicate'> {
  constructor(private readonly lifecycle: PaymentLifecycleService) {}

  handle(data: DuplicatePayment): Promise<void> {
    return this.lifecycle.refundDuplicate(data);
  }
}
