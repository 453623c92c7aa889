import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AdminGuard } from '#libs/common';
import { ReportMaintenanceRepository } from './maintenance/report-maintenance.repository.js';

export class StatsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  days?: number;
}

@ApiTags('admin')
@ApiSecurity('admin')
@UseGuards(AdminGuard)
@Controller('admin/reports')
export class AdminReportsController {
  constructor(private readonly repo: ReportMaintenanceRepository) {}

  @Get('stats')
  @ApiOperation({
    summary: 'Reports by status, generation latency p50/p95, LLM cost by day (last `days`, default 30)',
  })
  @ApiOkResponse({
    schema: {
      example: {
        counts: [{ status: 'completed', count: 12 }],
        latency: { p50: 1.2, p95: 3.4, n: 12 },
        cost: [],
      },
    },
  })
  stats(@Query() q: StatsQuery) {
    return this.repo.stats(q.days ?? 30);
  }
}
