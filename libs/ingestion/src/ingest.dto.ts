import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { INGEST_MODES, type IngestMode } from './fields.js';

export class IngestModeQuery {
  @ApiProperty({ enum: INGEST_MODES }) @IsIn(INGEST_MODES) mode!: IngestMode;
}

export class CreateIngestDto {
  @ApiPropertyOptional({
    description:
      'Explicit header → field mapping, applied before exact names and synonyms (case, spaces and underscores ignored)',
    example: { 'Product Title': 'name', Cost: 'price' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsObject()
  mapping?: Record<string, string>;

  @ApiPropertyOptional({
    enum: ['per_serving', 'per_100g'],
    description:
      'What the nutrient columns are per (products files): per_100g values are stored per serving with the serving size (100 g when a line gives none). Headers marked "per 100 g" say it too; a nutrient_basis column decides per line.',
  })
  @IsOptional()
  @IsIn(['per_serving', 'per_100g'])
  nutrient_basis?: 'per_serving' | 'per_100g';
}

export class IdParam {
  @ApiProperty({ format: 'uuid' }) @IsUUID() id!: string;
}

export class UploadParam {
  @ApiProperty({ format: 'uuid' }) @IsUUID() jobId!: string;
}

export class ListJobsQuery {
  @ApiPropertyOptional({ default: 20, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
  @ApiPropertyOptional({ enum: ['awaiting_upload', 'queued', 'running', 'completed', 'failed'] })
  @IsOptional()
  @IsIn(['awaiting_upload', 'queued', 'running', 'completed', 'failed'])
  status?: 'awaiting_upload' | 'queued' | 'running' | 'completed' | 'failed';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

export class IngestUploadView {
  @ApiProperty({ format: 'uuid' }) job_id!: string;
  @ApiProperty({
    description: 'TUS 1.0 endpoint: create the upload here (POST), then PATCH; resume with HEAD',
  })
  upload_url!: string;
  @ApiProperty() resumable!: true;
  @ApiProperty({ example: 10737418240 }) max_size_bytes!: number;
}

export class IngestColumnsView {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'header → field' })
  mapped!: Record<string, string>;
  @ApiProperty({ type: [String] }) ignored!: string[];
}

export class IngestJobView {
  @ApiProperty({ format: 'uuid' }) job_id!: string;
  @ApiProperty({ enum: INGEST_MODES }) mode!: string;
  @ApiProperty({ enum: ['upload', 'feed'] }) source!: string;
  @ApiProperty({ nullable: true, type: String }) feed_id!: string | null;
  @ApiProperty({ enum: ['awaiting_upload', 'queued', 'running', 'completed', 'failed'] }) status!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['copy', 'validate', 'merge', 'index', 'analyze', 'vacuum'],
  })
  phase!: string | null;
  @ApiProperty({ nullable: true, type: Number }) rows_total!: number | null;
  @ApiProperty() rows_processed!: number;
  @ApiProperty() rows_inserted!: number;
  @ApiProperty() rows_updated!: number;
  @ApiProperty() rows_unchanged!: number;
  @ApiProperty({
    description:
      'Rows not applied: invalid, or superseded by a later row with the same external_id (see errors.csv)',
  })
  rows_failed!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { unknown_allergen: 3, contradicted_tag: 1 },
    description:
      'Lines applied with a note (errors.csv, severity warning): unknown_allergen and unknown_diet_tag (kept as written), contradicted_tag (a diet tag dropped because the line declares an allergen it excludes)',
  })
  warnings!: Record<string, number>;
  @ApiProperty({ minimum: 0, maximum: 1 }) progress!: number;
  @ApiProperty({ nullable: true, type: Number }) upload_bytes!: number | null;
  @ApiProperty({ nullable: true, type: IngestColumnsView }) columns!: IngestColumnsView | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'seconds per phase' })
  phase_seconds!: Record<string, number>;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() created_at!: string;
  @ApiProperty({ nullable: true, type: String }) uploaded_at!: string | null;
  @ApiProperty({ nullable: true, type: String }) started_at!: string | null;
  @ApiProperty({ nullable: true, type: String }) finished_at!: string | null;
}

export class IngestJobPageView {
  @ApiProperty({ type: [IngestJobView] }) data!: IngestJobView[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class CreateFeedDto {
  @ApiProperty({ example: 'https://vendor.example/exports/products.csv' })
  @IsString()
  @MaxLength(2000)
  url!: string;
  @ApiProperty({ enum: INGEST_MODES }) @IsIn(INGEST_MODES) mode!: IngestMode;
  @ApiProperty({ example: '0 3 * * *', description: 'cron (UTC, 5 fields)' })
  @IsString()
  @Matches(/^\S+( \S+){4}$/, { message: 'cron must have five fields (minute hour day month weekday)' })
  cron!: string;
  @ApiPropertyOptional({
    description: 'Request headers for the download (e.g. Authorization); stored encrypted, never shown again',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  mapping?: Record<string, string>;
}

export class FeedView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: INGEST_MODES }) mode!: string;
  @ApiProperty() cron!: string;
  @ApiProperty({ type: [String], description: 'names of the stored headers (values are never returned)' })
  header_names!: string[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ nullable: true, type: String }) last_job_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) last_run_at!: string | null;
  @ApiProperty() created_at!: string;
}
