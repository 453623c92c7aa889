import type { VendorId } from '#libs/common';
import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '#libs/config';
import { QueueService } from '#libs/queue';
import { deliveryJobExpiry } from './http-delivery.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { EndpointsRepository } from './endpoints.repository.js';

export const EVENT_TYPES = [
  'ingestion.completed',
  'ingestion.failed',
  'customer.health_profile.updated',
  'customer.deleted',
  'product.deleted',
  'webhook.test',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The outbox: `emit` writes the event, one delivery per subscribed endpoint and one
 * `webhook.deliver` job each, all in the caller's transaction — the change and its webhooks
 * commit (or roll back) together.
 */
@Injectable()
export class WebhookEventsService {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly queue: QueueService,
    private readonly config: AppConfig,
  ) {}

  async emit(
    m: EntityManager,
    vendorId: VendorId,
    type: EventType,
    data: Record<string, unknown>,
    onlyEndpointId?: string,
  ): Promise<{ eventId: string; deliveryIds: string[] }> {
    const eventId = `msg_${randomBytes(16).toString('base64url')}`;
    const at = new Date();
    await this.deliveries.insertEvent(
      m,
      vendorId,
      eventId,
      type,
      { id: eventId, type, timestamp: at.toISOString(), data },
      at,
    );
    const targets = onlyEndpointId
      ? [{ id: onlyEndpointId }]
      : await this.endpoints.subscribed(m, vendorId, type);
    const deliveryIds = await this.deliveries.insertDeliveries(
      m,
      vendorId,
      eventId,
      targets.map((t) => t.id),
    );
    for (const deliveryId of deliveryIds)
      await this.queue.send(
        'webhook.deliver',
        { deliveryId },
        { manager: m, expireInSeconds: deliveryJobExpiry(this.config) },
      );
    return { eventId, deliveryIds };
  }
}
