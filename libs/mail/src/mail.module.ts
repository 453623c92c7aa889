import { Module } from '@nestjs/common';
import { MailDeliveryService } from './mail-delivery.service.js';
import { MailOutboxRepository } from './mail-outbox.repository.js';
import { MailService } from './mail.service.js';
import { SendMailJob } from './send-mail.job.js';

@Module({
  providers: [MailOutboxRepository, MailService, MailDeliveryService, SendMailJob],
  exports: [MailService],
})
export class MailModule {}
