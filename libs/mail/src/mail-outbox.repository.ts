import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { affectedRows, execute, firstRow, rowsOf } from '#libs/db';
import { type MailOutboxMessage } from './mail.entities.js';

/** A message as the sender reads it. */
export type OutboxRow = Pick<
  MailOutboxMessage,
  'id' | 'template' | 'to_address' | 'subject' | 'text_body' | 'html_body' | 'status'
>;

/** A message as the development mailbox shows it. */
export type StoredMessage = Pick<
  MailOutboxMessage,
  'id' | 'to_address' | 'subject' | 'status' | 'created_at' | 'text_body'
>;

@Injectable()
export class MailOutboxRepository {
  constructor(private readonly db: DataSource) {}

  async insert(
    manager: EntityManager,
    m: { template: string; to: string; subject: string; text: string; html: string },
  ): Promise<string> {
    const rows = await rowsOf<{ id: string }>(
      manager,
      `INSERT INTO mail_outbox (template, to_address, subject, text_body, html_body) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [m.template, m.to, m.subject, m.text, m.html],
    );
    return rows[0]!.id;
  }

  /** Erasure: every message to an address (it may carry the person's name and links). */
  forgetAddress(manager: EntityManager, address: string): Promise<number> {
    return affectedRows(manager, `DELETE FROM mail_outbox WHERE to_address = $1`, [address]);
  }

  /** Newest first, for the development mailbox page (bodies included: links are what it is for). */
  recent(limit: number): Promise<StoredMessage[]> {
    return rowsOf<StoredMessage>(
      this.db,
      `SELECT id, to_address, subject, status, created_at, text_body FROM mail_outbox
        ORDER BY created_at DESC, id LIMIT $1`,
      [limit],
    );
  }

  async findStored(id: string): Promise<StoredMessage | null> {
    const row = await firstRow<StoredMessage>(
      this.db,
      `SELECT id, to_address, subject, status, created_at, text_body FROM mail_outbox WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  async find(id: string): Promise<OutboxRow | null> {
    const row = await firstRow<OutboxRow>(
      this.db,
      `SELECT id, template, to_address, subject, text_body, html_body, status FROM mail_outbox WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** After SMTP accepted it: the body (it may carry a secret link) is not kept. */
  async markSent(id: string, messageId: string | null): Promise<void> {
    await execute(
      this.db,
      `UPDATE mail_outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL,
              transport_message_id = $2, text_body = NULL, html_body = NULL
        WHERE id = $1 AND status = 'queued'`,
      [id, messageId],
    );
  }

  async markStored(id: string): Promise<void> {
    await execute(
      this.db,
      `UPDATE mail_outbox SET status = 'stored', attempts = attempts + 1 WHERE id = $1 AND status = 'queued'`,
      [id],
    );
  }

  async recordFailure(id: string, error: string): Promise<void> {
    await execute(this.db, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [
      id,
      error.slice(0, 2000),
    ]);
  }

  /** Clears bodies of mail kept (not sent) before `bodiesBefore`; deletes rows created before `rowsBefore`. */
  async purge(bodiesBefore: Date, rowsBefore: Date): Promise<{ cleared: number; deleted: number }> {
    const cleared = await affectedRows(
      this.db,
      `UPDATE mail_outbox SET text_body = NULL, html_body = NULL
        WHERE status = 'stored' AND created_at < $1 AND (text_body IS NOT NULL OR html_body IS NOT NULL)`,
      [bodiesBefore],
    );
    const deleted = await affectedRows(
      this.db,
      `DELETE FROM mail_outbox WHERE created_at < $1 AND status <> 'queued'`,
      [rowsBefore],
    );
    return { cleared, deleted };
  }
}
