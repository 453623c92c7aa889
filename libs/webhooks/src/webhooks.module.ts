import { Module } from '@nestjs/common';
import { AuditModule } from '#libs/audit';
import { MailModule } from '#libs/mail';
import { VaultModule } from '#libs/vault';
import { DeliverWebhookJob } from './deliver-webhook.job.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { DeliveryService } from './delivery.service.js';
import { EndpointsRepository } from './endpoints.repository.js';
import { WebhookEventsService } from './events.service.js';
import { WebhooksService } from './webhooks.service.js';

/** Outgoing webhooks: endpoints, the event outbox, signed deliveries with retries. */
@Module({
  imports: [AuditModule, VaultModule, MailModule],
  providers: [
    EndpointsRepository,
    DeliveriesRepository,
    WebhookEventsService,
    WebhooksService,
    DeliveryService,
    DeliverWebhookJob,
  ],
  exports: [WebhookEventsService, WebhooksService],
})
export class WebhooksModule {}
