import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { VendorId } from '#libs/db';

@Entity('audit_log')
export class AuditLogEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  occurred_at!: Date;

  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @Column({ type: 'text' })
  actor_id!: string;

  @Column({ type: 'text' })
  actor_role!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  entity!: string;

  @Column({ type: 'text', nullable: true })
  entity_id!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  after!: unknown;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ type: 'text', nullable: true })
  user_agent!: string | null;
}
