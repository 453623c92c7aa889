import { NUTRIENT_BASES } from '#libs/catalogue';
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { VendorId } from '#libs/db';

/** The values each column's CHECK allows (the drift test compares them with the database). */
export const INGEST_MODES = ['products', 'customers'] as const;
export const INGEST_SOURCES = ['upload', 'feed'] as const;
export const INGEST_JOB_STATUSES = ['awaiting_upload', 'queued', 'running', 'completed', 'failed'] as const;

@Entity('ingest_jobs')
export class IngestJob {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @Column({ type: 'text', enum: INGEST_MODES })
  mode!: (typeof INGEST_MODES)[number];

  @Column({ type: 'text', enum: INGEST_SOURCES })
  source!: (typeof INGEST_SOURCES)[number];

  @Column({ type: 'uuid', nullable: true })
  feed_id!: string | null;

  @Column({ type: 'text', enum: INGEST_JOB_STATUSES })
  status!: (typeof INGEST_JOB_STATUSES)[number];

  @Column({ type: 'text', nullable: true })
  phase!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  mapping!: unknown;

  /** The basis the file's nutrients are given in, when the request named it. */
  @Column({ type: 'text', nullable: true, enum: NUTRIENT_BASES })
  nutrient_basis!: (typeof NUTRIENT_BASES)[number] | null;

  /** Warnings by kind (unknown_allergen, unknown_diet_tag, contradicted_tag): lines kept, with a note. */
  @Column({ type: 'jsonb' })
  warning_counts!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  columns!: unknown;

  @Column({ type: 'bigint', nullable: true })
  upload_bytes!: string | null;

  @Column({ type: 'bigint', nullable: true })
  rows_total!: string | null;

  @Column({ type: 'bigint' })
  rows_processed!: string;

  @Column({ type: 'bigint' })
  rows_inserted!: string;

  @Column({ type: 'bigint' })
  rows_updated!: string;

  @Column({ type: 'bigint' })
  rows_unchanged!: string;

  @Column({ type: 'bigint' })
  rows_failed!: string;

  @Column({ type: 'bigint', nullable: true })
  rows_valid!: string | null;

  @Column({ type: 'bigint', nullable: true })
  merged_through!: string | null;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'jsonb' })
  phase_seconds!: unknown;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'text' })
  created_by!: string;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  uploaded_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  started_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finished_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  file_deleted_at!: Date | null;
}

@Entity('ingest_feeds')
export class IngestFeed {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'text', enum: INGEST_MODES })
  mode!: (typeof INGEST_MODES)[number];

  @Column({ type: 'text' })
  cron!: string;

  @Column({ type: 'jsonb', nullable: true })
  mapping!: unknown;

  @Column({ type: 'uuid', nullable: true })
  headers_secret_id!: string | null;

  @Column({ type: 'text', array: true })
  header_names!: string[];

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'text' })
  created_by!: string;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;

  @Column({ type: 'uuid', nullable: true })
  last_job_id!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  last_run_at!: Date | null;
}

export const INGEST_ERROR_SEVERITIES = ['error', 'warning'] as const;

@Entity('ingest_errors')
export class IngestError {
  @PrimaryColumn({ type: 'uuid' })
  job_id!: string;

  @Column({ type: 'bigint' })
  line_no!: string;

  @Column({ type: 'text', nullable: true })
  column_name!: string | null;

  @Column({ type: 'text', nullable: true })
  value!: string | null;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text', enum: INGEST_ERROR_SEVERITIES })
  severity!: (typeof INGEST_ERROR_SEVERITIES)[number];

  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;
}
