import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { VendorId } from '#libs/db';

/** The values each column's CHECK allows (the drift test compares them with the database). */
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'dead'] as const;

@Entity('webhook_endpoints')
export class WebhookEndpoint {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'text', array: true })
  events!: string[];

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'text', nullable: true })
  disabled_reason!: string | null;

  @Column({ type: 'uuid' })
  secret_ref!: string;

  @Column({ type: 'uuid', nullable: true })
  previous_secret_ref!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  previous_secret_until!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  failing_since!: Date | null;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}

@Entity('webhook_events')
export class WebhookEvent {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ type: 'timestamptz' })
  created_at!: Date;
}

@Entity('webhook_deliveries')
export class WebhookDelivery {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @Column({ type: 'uuid' })
  endpoint_id!: string;

  @Column({ type: 'text' })
  event_id!: string;

  @Column({ type: 'text', enum: DELIVERY_STATUSES })
  status!: (typeof DELIVERY_STATUSES)[number];

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'integer', nullable: true })
  last_status!: number | null;

  @Column({ type: 'text', nullable: true })
  last_error!: string | null;

  @Column({ type: 'integer', nullable: true })
  last_latency_ms!: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  next_attempt_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  delivered_at!: Date | null;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}

@Entity('webhook_attempts')
export class WebhookAttempt {
  @PrimaryColumn({ type: 'uuid' })
  delivery_id!: string;

  @PrimaryColumn({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'integer', nullable: true })
  status!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'integer' })
  latency_ms!: number;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;
}
