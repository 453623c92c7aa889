import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
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
  ) {}

  async send(template: string, to: string, content: MailContent, manager?: EntityManager): Promise<string> {
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
}
