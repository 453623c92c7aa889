import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The values each column's CHECK allows (the drift test compares them with the database). */
export const IDEMPOTENCY_STATES = ['in_flight', 'completed'] as const;

@Entity('idempotency_keys')
export class IdempotencyKey {
  @PrimaryColumn({ type: 'text' })
  scope!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  method!: string;

  @Column({ type: 'text' })
  path!: string;

  @Column({ type: 'text' })
  fingerprint!: string;

  @Column({ type: 'text', enum: IDEMPOTENCY_STATES })
  state!: (typeof IDEMPOTENCY_STATES)[number];

  @Column({ type: 'integer', nullable: true })
  response_status!: number | null;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  locked_at!: Date;

  @Column({ type: 'timestamptz' })
  expires_at!: Date;

  @Column({ type: 'bytea', nullable: true })
  response_sealed!: Buffer | null;
}

@Entity('rate_limit_counters')
export class RateLimitCounter {
  @PrimaryColumn({ type: 'text' })
  bucket!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  window_start!: Date;

  @Column({ type: 'integer' })
  hits!: number;

  @Column({ type: 'timestamptz' })
  expires_at!: Date;
}
