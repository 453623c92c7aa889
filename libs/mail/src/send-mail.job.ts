import { UUID_PATTERN } from '#libs/common';
import { Job, PermanentJobError, type JobHandler } from '#libs/queue';
import { MailDeliveryService } from './mail-delivery.service.js';

@Job('mail.send')
export class SendMailJob implements JobHandler<'mail.send'> {
  constructor(private readonly delivery: MailDeliveryService) {}

  async handle(data: { outboxId: string }): Promise<void> {
    if (typeof data?.outboxId !== 'string' || !UUID_PATTERN.test(data.outboxId)) {
      throw new PermanentJobError('mail.send payload needs an outboxId');
    }
    await this.delivery.deliver(data.outboxId);
  }
}
