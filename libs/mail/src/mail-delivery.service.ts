import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '#libs/config';
import { MailOutboxRepository } from './mail-outbox.repository.js';

/**
 * Delivers an outbox row once: SMTP when SMTP_URL is set, otherwise the row stays in mail_outbox
 * (status `stored`) and a log line says so — without the body, which may carry a secret link.
 */
@Injectable()
export class MailDeliveryService implements OnModuleDestroy {
  private readonly logger = new Logger(MailDeliveryService.name);
  private readonly transport: Transporter | null;

  constructor(
    private readonly config: AppConfig,
    private readonly outbox: MailOutboxRepository,
  ) {
    this.transport = config.mail.smtpUrl ? nodemailer.createTransport(config.mail.smtpUrl) : null;
  }

  async deliver(outboxId: string): Promise<'sent' | 'stored' | 'skipped'> {
    const mail = await this.outbox.find(outboxId);
    if (!mail || mail.status !== 'queued') return 'skipped'; // already delivered: a retried job does nothing
    if (!this.transport) {
      await this.outbox.markStored(mail.id);
      this.logger.log({
        msg: 'mail kept in mail_outbox (no SMTP_URL)',
        outbox_id: mail.id,
        to: mail.to_address,
        subject: mail.subject,
      });
      return 'stored';
    }
    try {
      const info = await this.transport.sendMail({
        from: this.config.mail.from,
        to: mail.to_address,
        subject: mail.subject,
        text: mail.text_body ?? '',
        ...(mail.html_body ? { html: mail.html_body } : {}),
      });
      await this.outbox.markSent(mail.id, (info as { messageId?: string }).messageId ?? null);
      return 'sent';
    } catch (err) {
      await this.outbox.recordFailure(mail.id, err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
