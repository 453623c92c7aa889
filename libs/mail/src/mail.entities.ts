import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The values each column's CHECK allows (the drift test compares them with the database). */
export const MAIL_STATUSES = ['queued', 'sent', 'stored'] as const;

@Entity('mail_outbox')
export class MailOutboxMessage {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  template!: string;

  @Column({ type: 'text' })
  to_address!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text', nullable: true })
  text_body!: string | null;

  @Column({ type: 'text', nullable: true })
  html_body!: string | null;

  @Column({ type: 'text', enum: MAIL_STATUSES })
  status!: (typeof MAIL_STATUSES)[number];

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  last_error!: string | null;

  @Column({ type: 'text', nullable: true })
  transport_message_id!: string | null;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sent_at!: Date | null;
}
