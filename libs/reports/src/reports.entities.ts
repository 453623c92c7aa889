import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** The values each column's CHECK allows (the drift test compares them with the database). */
export const REVOKED_REASONS = ['refunded', 'disputed', 'deleted', 'expired'] as const;
export const REPORT_STATUSES = ['queued', 'generating', 'completed', 'failed'] as const;
export const REPORT_GENERATORS = ['composer', 'anthropic'] as const;
export const REPORT_EVENT_TYPES = ['progress', 'section', 'complete', 'error', 'attempt'] as const;
export const REPORT_TOKEN_PURPOSES = ['owner', 'email'] as const;
export const LLM_CALL_STATUSES = ['ok', 'error'] as const;

@Entity('reports')
export class Report {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** NULL once the buyer's data is erased (the report stays as a tombstone answering 410). */
  @Column({ type: 'uuid', nullable: true })
  session_id!: string | null;

  @Column({ type: 'uuid', nullable: true })
  payment_id!: string | null;

  @Column({ type: 'text' })
  tier!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text', enum: REPORT_STATUSES })
  status!: (typeof REPORT_STATUSES)[number];

  @Column({ type: 'smallint' })
  stage!: number;

  @Column({ type: 'smallint' })
  progress!: number;

  @Column({ type: 'smallint' })
  revisions_allowed!: number;

  @Column({ type: 'timestamptz' })
  expires_at!: Date;

  @Column({ type: 'boolean' })
  is_expired!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  revoked_at!: Date | null;

  @Column({ type: 'bigint' })
  access_count!: string;

  @Column({ type: 'timestamptz', nullable: true })
  last_accessed_at!: Date | null;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'timestamptz', nullable: true })
  generated_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  failure_reason!: string | null;

  @Column({ type: 'text', enum: REVOKED_REASONS, nullable: true })
  revoked_reason!: (typeof REVOKED_REASONS)[number] | null;
}

@Entity('report_revisions')
export class ReportRevision {
  @PrimaryColumn({ type: 'uuid' })
  report_id!: string;

  @PrimaryColumn({ type: 'integer' })
  revision!: number;

  @Column({ type: 'text', enum: REPORT_STATUSES })
  status!: (typeof REPORT_STATUSES)[number];

  @Column({ type: 'smallint' })
  stage!: number;

  @Column({ type: 'smallint' })
  progress!: number;

  @Column({ type: 'text', enum: REPORT_GENERATORS, nullable: true })
  generator!: (typeof REPORT_GENERATORS)[number] | null;

  @Column({ type: 'jsonb', nullable: true })
  sections!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  document!: unknown;

  @Column({ type: 'text', nullable: true })
  markdown!: string | null;

  @Column({ type: 'text', nullable: true })
  html!: string | null;

  @Column({ type: 'bytea', nullable: true })
  pdf!: Buffer | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'timestamptz' })
  queued_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  started_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completed_at!: Date | null;

  @Column({ type: 'text', nullable: true })
  fallback_reason!: string | null;
}

@Entity('report_events')
export class ReportEventRecord {
  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  report_id!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'text', enum: REPORT_EVENT_TYPES })
  type!: (typeof REPORT_EVENT_TYPES)[number];

  @Column({ type: 'jsonb' })
  data!: unknown;

  @Column({ type: 'timestamptz' })
  created_at!: Date;
}

@Entity('report_access_tokens')
export class ReportAccessToken {
  @PrimaryColumn({ type: 'text' })
  token_hash!: string;

  @Column({ type: 'uuid' })
  report_id!: string;

  @Column({ type: 'text', enum: REPORT_TOKEN_PURPOSES })
  purpose!: (typeof REPORT_TOKEN_PURPOSES)[number];

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revoked_at!: Date | null;
}

@Entity('report_access_log')
export class ReportAccessLogEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'uuid' })
  report_id!: string;

  @Column({ type: 'timestamptz' })
  accessed_at!: Date;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'inet', nullable: true })
  ip!: string | null;

  @Column({ type: 'text', nullable: true })
  user_agent!: string | null;

  @Column({ type: 'boolean' })
  success!: boolean;

  @Column({ type: 'smallint' })
  status!: number;
}

@Entity('llm_api_logs')
export class LlmApiLog {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  report_id!: string | null;

  @Column({ type: 'integer', nullable: true })
  revision!: number | null;

  @Column({ type: 'text', nullable: true })
  request_id!: string | null;

  @Column({ type: 'text' })
  model!: string;

  @Column({ type: 'text' })
  purpose!: string;

  @Column({ type: 'integer', nullable: true })
  input_tokens!: number | null;

  @Column({ type: 'integer', nullable: true })
  output_tokens!: number | null;

  @Column({ type: 'integer' })
  duration_ms!: number;

  @Column({ type: 'text', enum: LLM_CALL_STATUSES })
  status!: (typeof LLM_CALL_STATUSES)[number];

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'numeric', precision: 12, scale: 6, nullable: true })
  cost_usd!: string | null;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'text', nullable: true })
  error_kind!: string | null;
}
