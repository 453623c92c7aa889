import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '#libs/config';
import { QueueService } from '#libs/queue';
import { MailOutboxRepository } from './mail-outbox.repository.js';
import type { MailContent } from './templates.js';

/** Queues an e-mail: an outbox row and its `mail.send` job, committed together. */
@Injectable()
export class MailService {
  constructor(
    private readonly db: DataSource,
    private readonly outbox: MailOutboxRepository,
    private readonly queue: QueueService,
    private readonly config: AppConfig,
  ) {}

  /** Every e-mail says where the person can download or delete their data. */
  private withPrivacyFooter(content: MailContent): MailContent {
    const url = `${this.config.http.publicBaseUrl}/privacy`;
    return {
      subject: content.subject,
      text: `${content.text}\n\n--\nDownload or delete your data: ${url}`,
      html: content.html.replace(
        '</body>',
        `<p style="color:#7b8794;font-size:12px">Download or delete your data: <a href="${url}">${url}</a></p>\n</body>`,
      ),
    };
  }

  async send(template: string, to: string, content: MailContent, manager?: EntityManager): Promise<string> {
    content = this.withPrivacyFooter(content);
    const run = async (m: EntityManager) => {
      const outboxId = await this.outbox.insert(m, {
        template,
        to,
        subject: content.subject,
        text: content.text,
        html: content.html,
      });
      await this.queue.send('mail.send', { outboxId }, { manager: m });
      return outboxId;
    };
    return manager ? run(manager) : this.db.transaction(run);
  }

  /** Erasure, in the caller's transaction: the messages to an address. */
  forgetAddress(manager: EntityManager, address: string): Promise<number> {
    return this.outbox.forgetAddress(manager, address);
  }
}
