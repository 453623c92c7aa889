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
      // ids only: the address and subject (a first name) are personal data
      this.logger.log({
        msg: 'mail kept in mail_outbox (no SMTP_URL)',
        outbox_id: mail.id,
        template: mail.template,
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
      const messageId = (info as { messageId?: string }).messageId ?? null;
      await this.outbox.markSent(mail.id, messageId);
      this.logger.log({
        msg: 'mail sent',
        outbox_id: mail.id,
        template: mail.template,
        message_id: messageId,
      });
      return 'sent';
    } catch (err) {
      // SMTP errors quote the recipient ("<ann@…> rejected"): neither the log nor the row keeps it
      const reason = (err instanceof Error ? err.message : String(err))
        .split(mail.to_address)
        .join('<recipient>');
      await this.outbox.recordFailure(mail.id, reason);
      throw new Error(`mail ${mail.id} was not delivered: ${reason}`);
    }
  }

  /** Retention: bodies of kept mail (they hold links with tokens) and old rows (addresses). */
  purge(): Promise<{ cleared: number; deleted: number }> {
    const now = Date.now();
    return this.outbox.purge(
      new Date(now - this.config.mail.storedBodyMs),
      new Date(now - this.config.mail.retentionMs),
    );
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
