import { ACTIVITY_SCALE, SEX_CONSTANTS, type CustomerActivity, type Sex } from '#libs/energy';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { VendorId } from '#libs/db';

/**
 * The values each column's CHECK allows (the drift test compares them with the database). Activity
 * levels: the energy scale's customers spelling (libs/energy: one scale, one factor per level).
 */
export const ACTIVITY_LEVELS: readonly CustomerActivity[] = ACTIVITY_SCALE.map((l) => l.customers);
export const SEXES = Object.keys(SEX_CONSTANTS) as Sex[];

@Entity('customers')
export class Customer {
  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  external_id!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text', nullable: true })
  first_name!: string | null;

  @Column({ type: 'text', nullable: true })
  last_name!: string | null;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}

@Entity('customer_health')
export class CustomerHealth {
  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @PrimaryColumn({ type: 'uuid' })
  customer_id!: string;

  @Column({ type: 'text', enum: SEXES, nullable: true })
  sex!: (typeof SEXES)[number] | null;

  @Column({ type: 'date', nullable: true })
  birth_date!: string | null;

  @Column({ type: 'smallint', nullable: true })
  age!: number | null;

  @Column({ type: 'real', nullable: true })
  height_cm!: number | null;

  @Column({ type: 'real', nullable: true })
  weight_kg!: number | null;

  @Column({ type: 'text', enum: ACTIVITY_LEVELS, nullable: true })
  activity_level!: (typeof ACTIVITY_LEVELS)[number] | null;

  @Column({ type: 'text', array: true })
  conditions!: string[];

  @Column({ type: 'text', array: true })
  allergies!: string[];

  @Column({ type: 'text', array: true })
  dietary_preferences!: string[];

  @Column({ type: 'text', array: true })
  goals!: string[];

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Column({ type: 'real', nullable: true })
  bmr!: number | null;

  @Column({ type: 'real', nullable: true })
  tdee_cached!: number | null;

  @Column({ type: 'jsonb' })
  derived_limits!: unknown;

  @Column({ type: 'timestamptz', nullable: true })
  derived_at!: Date | null;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}

@Entity('diet_rules')
export class DietRule {
  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @PrimaryColumn({ type: 'text' })
  condition_code!: string;

  @Column({ type: 'jsonb' })
  policy!: unknown;

  @Column({ type: 'text', nullable: true })
  source!: string | null;

  @Column({ type: 'boolean' })
  is_default!: boolean;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}

@Entity('diet_rule_defaults')
export class DietRuleDefault {
  @PrimaryColumn({ type: 'text' })
  condition_code!: string;

  @Column({ type: 'jsonb' })
  policy!: unknown;

  @Column({ type: 'text' })
  source!: string;
}
