import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** The values each column's CHECK allows (the drift test compares them with the database). */
export const PAYMENT_PROVIDERS = ['stripe', 'sandbox'] as const;
export const PAYMENT_STATUSES = [
  'pending',
  'completed',
  'failed',
  'expired',
  'refunded',
  'disputed',
] as const;
export const SANDBOX_CHECKOUT_STATUSES = ['open', 'paid', 'expired'] as const;

@Entity('payments')
export class Payment {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** NULL once the buyer's data is erased: the payment stays for accounting, unlinked. */
  @Column({ type: 'uuid', nullable: true })
  session_id!: string | null;

  @Column({ type: 'text' })
  tier!: string;

  @Column({ type: 'text', enum: PAYMENT_PROVIDERS })
  provider!: (typeof PAYMENT_PROVIDERS)[number];

  @Column({ type: 'text' })
  checkout_session_id!: string;

  @Column({ type: 'integer' })
  amount_cents!: number;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ type: 'text', enum: PAYMENT_STATUSES })
  status!: (typeof PAYMENT_STATUSES)[number];

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  completed_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  return_redeemed_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  provider_payment_id!: string | null;

  @Column({ type: 'integer' })
  refunded_cents!: number;
}

@Entity('payment_events')
export class PaymentEvent {
  @PrimaryColumn({ type: 'text' })
  provider!: string;

  @PrimaryColumn({ type: 'text' })
  event_id!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'timestamptz' })
  received_at!: Date;
}

@Entity('payment_transitions')
export class PaymentTransition {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'uuid' })
  payment_id!: string;

  @Column({ type: 'text' })
  from_status!: string;

  @Column({ type: 'text' })
  to_status!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'integer', nullable: true })
  amount_cents!: number | null;

  @Column({ type: 'text', nullable: true })
  provider_event_id!: string | null;

  @Column({ type: 'timestamptz' })
  at!: Date;
}

@Entity('sandbox_checkouts')
export class SandboxCheckout {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'integer' })
  amount_cents!: number;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ type: 'jsonb' })
  metadata!: unknown;

  @Column({ type: 'text', enum: SANDBOX_CHECKOUT_STATUSES })
  status!: (typeof SANDBOX_CHECKOUT_STATUSES)[number];

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  paid_at!: Date | null;

  @Column({ type: 'integer' })
  refunded_cents!: number;

  @Column({ type: 'boolean' })
  disputed!: boolean;
}

@Entity('checkout_claims')
export class CheckoutClaim {
  @PrimaryColumn({ type: 'uuid' })
  session_id!: string;

  @Column({ type: 'timestamptz' })
  claimed_until!: Date;
}
