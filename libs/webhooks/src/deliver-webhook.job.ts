import { Job, type JobHandler } from '#libs/queue';
import { DeliveryService } from './delivery.service.js';

@Job('webhook.deliver')
export class DeliverWebhookJob implements JobHandler<'webhook.deliver'> {
  constructor(private readonly delivery: DeliveryService) {}

  handle(data: { deliveryId: string }): Promise<void> {
    return this.delivery.attempt(data.deliveryId);
  }
}
