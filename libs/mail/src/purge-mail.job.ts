import { Logger } from '@nestjs/common';
import { Job, type JobHandler } from '#libs/queue';
import { MailDeliveryService } from './mail-delivery.service.js';

@Job('mail.purge')
export class PurgeMailJob implements JobHandler<'mail.purge'> {
  private readonly logger = new Logger(PurgeMailJob.name);
  constructor(private readonly delivery: MailDeliveryService) {}

  async handle(): Promise<void> {
    this.logger.log({ msg: 'purged mail outbox', ...(await this.delivery.purge()) });
  }
}
