import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService, type Actor } from '#libs/audit';
import { NotFound, Unprocessable, isTimeIdCursor, urlProblem, type VendorId, paginate } from '#libs/common';
import { AppConfig } from '#libs/config';
import { QueueService } from '#libs/queue';
import { VaultService } from '#libs/vault';
import { DeliveriesRepository, type DeliveryRow, type DeliveryStatus } from './deliveries.repository.js';
import { EndpointsRepository, type EndpointRow } from './endpoints.repository.js';
import { WebhookEventsService } from './events.service.js';
import { deliveryJobExpiry } from './http-delivery.js';
import { SECRET_PREFIX } from './signing.js';

/** How long a rotated-out secret keeps signing beside the new one. */
export const ROTATION_OVERLAP_SECONDS = 24 * 3600;

const newSecret = () => `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
const auditView = (e: EndpointRow) => ({ url: e.url, events: e.events, enabled: e.enabled });

@Injectable()
export class WebhooksService {
  constructor(
    private readonly db: DataSource,
    private readonly endpoints: EndpointsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly events: WebhookEventsService,
    private readonly vault: VaultService,
    private readonly queue: QueueService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  private checkUrl(url: string): void {
    const problem = urlProblem(url, this.config.webhooks);
    if (problem)
      throw new Unprocessable(`This URL cannot receive webhooks: ${problem}`, 'invalid_webhook_url');
  }

  /** Creates an endpoint; its `whsec_` secret is sealed in the vault and returned only here. */
  create(actor: Actor, vendorId: VendorId, e: { url: string; events: string[]; description?: string }) {
    this.checkUrl(e.url);
    return this.db.transaction(async (m) => {
      const id = randomUUID();
      const secret = newSecret();
      const secretRef = await this.vault.store({ vendorId, name: `webhook:${id}`, plaintext: secret }, m);
      const row = await this.endpoints.insert(m, vendorId, {
        id,
        url: e.url,
        events: e.events,
        description: e.description ?? null,
        secretRef,
      });
      await this.audit.record(
        actor,
        {
          action: 'webhook_endpoint.created',
          entity: 'webhook_endpoint',
          entityId: id,
          after: auditView(row),
        },
        m,
      );
      return { endpoint: row, secret };
    });
  }

  list(vendorId: VendorId): Promise<EndpointRow[]> {
    return this.endpoints.list(vendorId);
  }

  async get(vendorId: VendorId, id: string): Promise<EndpointRow> {
    const row = await this.endpoints.find(vendorId, id);
    if (!row) throw new NotFound('Webhook endpoint', 'webhook_endpoint_not_found');
    return row;
  }

  update(
    actor: Actor,
    vendorId: VendorId,
    id: string,
    c: { url?: string; events?: string[]; description?: string; enabled?: boolean },
  ) {
    if (c.url) this.checkUrl(c.url);
    return this.db.transaction(async (m) => {
      const before = await this.endpoints.find(vendorId, id, m, true);
      if (!before) throw new NotFound('Webhook endpoint', 'webhook_endpoint_not_found');
      const after = await this.endpoints.update(m, vendorId, id, c);
      await this.audit.record(
        actor,
        {
          action: 'webhook_endpoint.updated',
          entity: 'webhook_endpoint',
          entityId: id,
          before: auditView(before),
          after: auditView(after),
        },
        m,
      );
      return after;
    });
  }

  remove(actor: Actor, vendorId: VendorId, id: string): Promise<void> {
    return this.db.transaction(async (m) => {
      const before = await this.endpoints.find(vendorId, id, m, true);
      if (!before) throw new NotFound('Webhook endpoint', 'webhook_endpoint_not_found');
      await this.endpoints.delete(m, vendorId, id);
      await this.vault.delete(before.secret_ref, m);
      if (before.previous_secret_ref) await this.vault.delete(before.previous_secret_ref, m);
      await this.audit.record(
        actor,
        {
          action: 'webhook_endpoint.deleted',
          entity: 'webhook_endpoint',
          entityId: id,
          before: auditView(before),
        },
        m,
      );
    });
  }

  /** New secret (returned once); the old one keeps signing beside it for 24 h. */
  rotateSecret(actor: Actor, vendorId: VendorId, id: string) {
    return this.db.transaction(async (m) => {
      const before = await this.endpoints.find(vendorId, id, m, true);
      if (!before) throw new NotFound('Webhook endpoint', 'webhook_endpoint_not_found');
      if (before.previous_secret_ref) await this.vault.delete(before.previous_secret_ref, m);
      const secret = newSecret();
      const ref = await this.vault.store({ vendorId, name: `webhook:${id}`, plaintext: secret }, m);
      const row = await this.endpoints.rotate(m, vendorId, id, ref, ROTATION_OVERLAP_SECONDS);
      await this.audit.record(
        actor,
        { action: 'webhook_endpoint.secret_rotated', entity: 'webhook_endpoint', entityId: id },
        m,
      );
      return { endpoint: row, secret };
    });
  }

  /** Sends a `webhook.test` event to this endpoint only. */
  async sendTest(vendorId: VendorId, id: string): Promise<{ event_id: string; delivery_id: string }> {
    await this.get(vendorId, id);
    return this.db.transaction(async (m) => {
      const { eventId, deliveryIds } = await this.events.emit(
        m,
        vendorId,
        'webhook.test',
        { endpoint_id: id, message: 'This is a test event.' },
        id,
      );
      return { event_id: eventId, delivery_id: deliveryIds[0]! };
    });
  }

  async listDeliveries(
    vendorId: VendorId,
    q: { endpoint_id?: string; status?: DeliveryStatus; limit?: number; cursor?: string },
  ): Promise<{ data: DeliveryRow[]; next_cursor: string | null }> {
    return paginate(
      { limit: q.limit ?? 50, cursor: q.cursor },
      { isValid: isTimeIdCursor, of: (row: DeliveryRow) => ({ t: row.created_key, i: row.id }) },
      (c, limit) =>
        this.deliveries.list(vendorId, {
          endpointId: q.endpoint_id,
          status: q.status,
          limit,
          before: c && { at: c.t, id: c.i },
        }),
    );
  }

  /** Delivers again (also a dead letter): pending, and a new job, in one transaction. */
  replay(actor: Actor, vendorId: VendorId, id: string): Promise<{ delivery_id: string; status: 'pending' }> {
    return this.db.transaction(async (m) => {
      if (!(await this.deliveries.reopen(m, vendorId, id)))
        throw new NotFound('Delivery', 'delivery_not_found');
      await this.queue.send(
        'webhook.deliver',
        { deliveryId: id },
        { manager: m, expireInSeconds: deliveryJobExpiry(this.config) },
      );
      await this.audit.record(
        actor,
        { action: 'webhook_delivery.replayed', entity: 'webhook_delivery', entityId: id },
        m,
      );
      return { delivery_id: id, status: 'pending' };
    });
  }
}
