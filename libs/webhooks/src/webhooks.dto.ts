import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsSingleLine } from '#libs/common';
import { EVENT_TYPES } from './events.service.js';

const SUBSCRIBABLE = [...EVENT_TYPES, '*'];

export class CreateEndpointDto {
  @ApiProperty({ example: 'https://hooks.example.com/nutrition' }) @IsString() @MaxLength(2000) url!: string;
  @ApiProperty({ enum: SUBSCRIBABLE, isArray: true, example: ['ingestion.completed'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE, { each: true })
  events!: string[];
  @ApiPropertyOptional() @IsOptional() @IsSingleLine({ max: 500 }) description?: string;
}

export class UpdateEndpointDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) url?: string;
  @ApiPropertyOptional({ enum: SUBSCRIBABLE, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE, { each: true })
  events?: string[];
  @ApiPropertyOptional() @IsOptional() @IsSingleLine({ max: 500 }) description?: string;
  @ApiPropertyOptional({ description: 'true re-enables a disabled endpoint' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class IdParam {
  @ApiProperty({ format: 'uuid' }) @IsUUID() id!: string;
}

export class DeliveriesQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() endpoint_id?: string;
  @ApiPropertyOptional({ enum: ['pending', 'succeeded', 'failed', 'dead'] })
  @IsOptional()
  @IsIn(['pending', 'succeeded', 'failed', 'dead'])
  status?: 'pending' | 'succeeded' | 'failed' | 'dead';
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

// ---- views ----

export class EndpointView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) events!: string[];
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ nullable: true, type: String }) disabled_reason!: string | null;
  @ApiProperty({ nullable: true, type: Date, description: 'Until when the previous secret still signs' })
  previous_secret_until!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) failing_since!: Date | null;
  @ApiProperty() created_at!: Date;
  @ApiProperty() updated_at!: Date;
}

export class EndpointWithSecretView extends EndpointView {
  @ApiProperty({ description: 'The signing secret (whsec_…), shown only in this response' }) secret!: string;
}

export class TestEventView {
  @ApiProperty() event_id!: string;
  @ApiProperty({ format: 'uuid' }) delivery_id!: string;
}

export class AttemptView {
  @ApiProperty() attempt!: number;
  @ApiProperty({ nullable: true, type: Number }) status!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() latency_ms!: number;
  @ApiProperty() at!: Date;
}

export class DeliveryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) endpoint_id!: string;
  @ApiProperty() event_id!: string;
  @ApiProperty() event_type!: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed', 'dead'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: Number }) last_status!: number | null;
  @ApiProperty({ nullable: true, type: String }) last_error!: string | null;
  @ApiProperty({ nullable: true, type: Number }) last_latency_ms!: number | null;
  @ApiProperty({ nullable: true, type: Date }) next_attempt_at!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) delivered_at!: Date | null;
  @ApiProperty() created_at!: Date;
  @ApiProperty({ type: [AttemptView] }) attempt_log!: AttemptView[];
}

export class DeliveryPageView {
  @ApiProperty({ type: [DeliveryView] }) data!: DeliveryView[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class ReplayView {
  @ApiProperty({ format: 'uuid' }) delivery_id!: string;
  @ApiProperty({ enum: ['pending'] }) status!: string;
}
