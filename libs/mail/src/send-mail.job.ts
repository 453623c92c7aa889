import { Job, PermanentJobError, type JobHandler } from '#libs/queue';
import { MailDeliveryService } from './mail-delivery.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Job('mail.send')
export class SendMailJob implements JobHandler<'mail.send'> {
  constructor(private readonly delivery: MailDeliveryService) {}

  async handle(data: { outboxId: string }): Promise<void> {
    if (typeof data?.outboxId !== 'string' || !UUID.test(data.outboxId)) {
      throw new PermanentJobError('mail.send payload needs an outboxId');
    }
    await this.delivery.deliver(data.outboxId);
  }
}
