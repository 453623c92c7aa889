import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The values each column's CHECK allows (the drift test compares them with the database). */
export const SESSION_PAYMENT_STATUSES = ['none', 'pending', 'completed'] as const;
export const SESSION_STATUSES = ['in_progress', 'paid'] as const;
export const SESSION_TOKEN_PURPOSES = ['session', 'resume'] as const;

@Entity('calculator_sessions')
export class CalculatorSession {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text', enum: SESSION_STATUSES })
  status!: (typeof SESSION_STATUSES)[number];

  @Column({ type: 'smallint' })
  step_completed!: number;

  @Column({ type: 'jsonb' })
  answers!: unknown;

  @Column({ type: 'jsonb' })
  profile!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  macros!: unknown;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'boolean' })
  is_premium!: boolean;

  @Column({ type: 'text', enum: SESSION_PAYMENT_STATUSES })
  payment_status!: (typeof SESSION_PAYMENT_STATUSES)[number];

  @Column({ type: 'text', nullable: true })
  tier!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  paid_at!: Date | null;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}

@Entity('calculator_session_tokens')
export class CalculatorSessionToken {
  @PrimaryColumn({ type: 'text' })
  token_hash!: string;

  @Column({ type: 'uuid' })
  session_id!: string;

  @Column({ type: 'text', enum: SESSION_TOKEN_PURPOSES })
  purpose!: (typeof SESSION_TOKEN_PURPOSES)[number];

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  expires_at!: Date | null;
}

@Entity('payment_tiers')
export class PaymentTier {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'integer' })
  price_cents!: number;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ type: 'jsonb' })
  features!: unknown;

  @Column({ type: 'integer' })
  sort_order!: number;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}
