import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '#libs/config';
import { MailService, escapeHtml } from '#libs/mail';
import { QueueService } from '#libs/queue';
import { VaultService } from '#libs/vault';
import { DeliveriesRepository, type DeliveryWork } from './deliveries.repository.js';
import { EndpointsRepository } from './endpoints.repository.js';
import { deliveryJobExpiry, postWebhook, type DeliveryResult } from './http-delivery.js';
import { signDelivery } from './signing.js';

/** Delay before retry `n` (1-based): the configured schedule with ±10 % jitter, or Retry-After. */
export function retryDelaySeconds(
  schedule: number[],
  attempt: number,
  retryAfter: number | null,
  rand = Math.random,
): number | null {
  const base = schedule[attempt - 1];
  if (base === undefined) return null;
  const jittered = base * (0.9 + 0.2 * rand());
  return retryAfter !== null ? Math.min(Math.max(retryAfter, jittered), 86_400) : jittered;
}

/**
 * One delivery attempt: sign with the endpoint's secret(s), POST, record the attempt, then
 * succeed, schedule the next attempt (a new job, same transaction), or give up: dead letter after
 * the last attempt; an endpoint answering 410, or failing for WEBHOOKS_DISABLE_AFTER_HOURS, is
 * disabled and the vendor e-mailed. The event id is the `webhook-id` on every attempt, so a
 * receiver dedupes a repeat (e.g. after a worker died mid-delivery and the job ran again).
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly db: DataSource,
    private readonly deliveries: DeliveriesRepository,
    private readonly endpoints: EndpointsRepository,
    private readonly vault: VaultService,
    private readonly queue: QueueService,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  async attempt(deliveryId: string): Promise<void> {
    const work = await this.deliveries.work(deliveryId);
    if (!work || work.status === 'succeeded' || work.status === 'dead') return;
    if (!work.enabled) {
      await this.db.transaction((m) => this.deliveries.settle(m, work.id, 'dead', null));
      return;
    }
    const secrets = [await this.vault.reveal(work.secret_ref)];
    if (work.previous_secret_active && work.previous_secret_ref)
      secrets.push(await this.vault.reveal(work.previous_secret_ref));
    const body = JSON.stringify(work.payload);
    const headers = signDelivery(
      work.event_id,
      new Date(),
      body,
      secrets.filter((s): s is string => !!s),
    );
    const result = await postWebhook(work.url, body, headers, this.config.webhooks);
    await this.settle(work, result);
  }

  private async settle(work: DeliveryWork, r: DeliveryResult): Promise<void> {
    if (r.status !== null && r.status >= 200 && r.status < 300) {
      return this.deliveries.recordSuccess(work.id, work.endpoint_id, {
        status: r.status,
        latencyMs: r.latencyMs,
      });
    }
    return this.db.transaction(async (m) => {
      const attempts = await this.deliveries.recordAttempt(m, work.id, r);
      const failingSince = await this.endpoints.setHealth(m, work.endpoint_id, false);
      const gone = r.status === 410;
      const tooLong =
        failingSince !== null &&
        Date.now() - new Date(failingSince).getTime() > this.config.webhooks.disableAfterFailingMs;
      if (gone || tooLong) {
        const reason = gone ? 'the endpoint answered 410 Gone' : 'the endpoint has been failing for too long';
        await this.endpoints.disable(m, work.endpoint_id, reason);
        await this.deliveries.settle(m, work.id, 'dead', null);
        if (work.contact_email) {
          await this.mail.send('webhook-disabled', work.contact_email, disabledMail(work.url, reason), m);
        }
        this.logger.warn({ msg: 'webhook endpoint disabled', endpoint_id: work.endpoint_id, reason });
        return;
      }
      const delay = retryDelaySeconds(
        this.config.webhooks.retryScheduleSeconds,
        attempts,
        r.retryAfterSeconds,
      );
      if (delay === null) return this.deliveries.settle(m, work.id, 'dead', null);
      const next = new Date(Date.now() + delay * 1000);
      await this.deliveries.settle(m, work.id, 'failed', next);
      await this.queue.send(
        'webhook.deliver',
        { deliveryId: work.id },
        { manager: m, startAfter: next, expireInSeconds: deliveryJobExpiry(this.config) },
      );
    });
  }
}

function disabledMail(url: string, reason: string) {
  const text = `Your webhook endpoint ${url} has been disabled: ${reason}.\n\nFix the receiver, then re-enable it with PATCH /api/v1/webhooks/endpoints/:id {"enabled": true} and replay the dead deliveries.`;
  return {
    subject: 'A webhook endpoint was disabled',
    text,
    html: `<p>Your webhook endpoint <code>${escapeHtml(url)}</code> has been disabled: ${escapeHtml(reason)}.</p><p>Fix the receiver, then re-enable it and replay the dead deliveries.</p>`,
  };
}
