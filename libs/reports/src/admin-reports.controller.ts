import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AdminAuth } from '#libs/common';
import { ReportMaintenanceRepository } from './maintenance/report-maintenance.repository.js';

export class StatsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 365, default: 30 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  days?: number;
}

class StatusCountView {
  @ApiProperty({ enum: ['queued', 'generating', 'completed', 'failed'] }) status!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
}

class LatencyView {
  @ApiProperty({ type: Number, nullable: true, description: 'seconds, queued → completed' }) p50!:
    number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'seconds' }) p95!: number | null;
  @ApiProperty({ type: 'integer', description: 'completed revisions measured' }) n!: number;
}

class DailyCostView {
  @ApiProperty({ format: 'date', example: '2026-11-30' }) day!: string;
  @ApiProperty({ type: 'integer' }) calls!: number;
  @ApiProperty() cost_usd!: number;
  @ApiProperty({ type: 'integer' }) input_tokens!: number;
  @ApiProperty({ type: 'integer' }) output_tokens!: number;
}

class LlmErrorCountView {
  @ApiProperty({
    example: 'auth',
    description: 'auth, permission, model_not_found, rate_limited, overloaded, server, timeout, other',
  })
  kind!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
}

export class ReportStatsView {
  @ApiProperty({ type: [StatusCountView] }) counts!: StatusCountView[];
  @ApiProperty({ type: LatencyView }) latency!: LatencyView;
  @ApiProperty({ type: [DailyCostView] }) cost!: DailyCostView[];
  @ApiProperty({ type: 'integer', description: 'Reports the composer wrote because the model could not' })
  fallbacks!: number;
  @ApiProperty({ type: [LlmErrorCountView] }) llm_errors!: LlmErrorCountView[];
}

@ApiTags('admin')
@AdminAuth()
@Controller('admin/reports')
export class AdminReportsController {
  constructor(private readonly repo: ReportMaintenanceRepository) {}

  @Get('stats')
  @ApiOperation({
    summary: 'Reports by status, generation latency p50/p95, LLM cost by day (last `days`, default 30)',
  })
  @ApiOkResponse({ type: () => ReportStatsView })
  stats(@Query() q: StatsQuery) {
    return this.repo.stats(q.days ?? 30);
  }
}
