import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { MailOutboxRepository, type StoredMessage } from './mail-outbox.repository.js';

/**
 * The outbox as a mailbox, for development: without SMTP_URL nothing is delivered, so the links a
 * buyer is mailed (resume, report) are only reachable here. Never outside development and test.
 */
@Injectable()
export class DevMailbox {
  constructor(private readonly outbox: MailOutboxRepository) {}

  static enabled(config: AppConfig): boolean {
    return config.mail.smtpUrl === null && config.env !== 'production';
  }

  recent(): Promise<StoredMessage[]> {
    return this.outbox.recent(50);
  }

  find(id: string): Promise<StoredMessage | null> {
    return this.outbox.findStored(id);
  }
}
