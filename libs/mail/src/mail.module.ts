import { Module } from '@nestjs/common';
import { DevMailbox } from './dev-mailbox.js';
import { MailDeliveryService } from './mail-delivery.service.js';
import { MailOutboxRepository } from './mail-outbox.repository.js';
import { MailService } from './mail.service.js';
import { PurgeMailJob } from './purge-mail.job.js';
import { SendMailJob } from './send-mail.job.js';

@Module({
  providers: [MailOutboxRepository, MailService, MailDeliveryService, SendMailJob, PurgeMailJob, DevMailbox],
  exports: [MailService, MailDeliveryService, DevMailbox],
})
export class MailModule {}
