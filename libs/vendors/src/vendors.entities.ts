import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { VendorId } from '#libs/db';

/** The values each column's CHECK allows (the drift test compares them with the database). */
export const VENDOR_STATUSES = ['active', 'suspended', 'deleted'] as const;
export const VENDOR_ROLES = ['admin', 'editor', 'analyst', 'ingest'] as const;
/** The calculator's diet types (a unit test keeps the two lists equal): what `best_for` may hold. */
export const BEST_FOR_DIETS = ['carnivore', 'keto', 'paleo', 'custom'] as const;

@Entity('vendors')
export class Vendor {
  @PrimaryColumn({ type: 'uuid' })
  id!: VendorId;

  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  category!: string;

  @Column({ type: 'text', nullable: true })
  subcategory!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text', nullable: true })
  website!: string | null;

  @Column({ type: 'text', nullable: true })
  logo_url!: string | null;

  @Column({ type: 'text', enum: VENDOR_STATUSES })
  status!: (typeof VENDOR_STATUSES)[number];

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  suspended_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  deleted_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  contact_email!: string | null;

  /** ISO 3166 codes (country, or country-subdivision) the vendor delivers to. */
  @Column({ type: 'text', array: true })
  delivery_regions!: string[];

  /** Which of the calculator's diet types the vendor's range suits (CHECK: a subset of BEST_FOR_DIETS). */
  @Column({ type: 'text', array: true })
  best_for!: (typeof BEST_FOR_DIETS)[number][];

  /** 1 (budget) … 4 (premium). */
  @Column({ type: 'smallint', nullable: true })
  price_level!: number | null;
}

@Entity('vendor_api_keys')
export class VendorApiKey {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid' })
  vendor_id!: VendorId;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', enum: VENDOR_ROLES })
  role!: (typeof VENDOR_ROLES)[number];

  @Column({ type: 'text' })
  key_hash!: string;

  @Column({ type: 'text' })
  key_prefix!: string;

  @Column({ type: 'text' })
  created_by!: string;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  last_used_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revoked_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  revoked_by!: string | null;
}
