import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Cacheable } from '#libs/common';
import { BenchmarksService } from './benchmarks.service.js';
import { BenchmarkQueryDto, BenchmarksView, CategoryMetricParam, CategoryParam } from './insights.dto.js';

const DESCRIPTION =
  "Quartiles across every active vendor's products in the category, with the vendors and products behind each figure; figures with fewer than 3 vendors behind them are withheld (`suppressed`). Price metrics are per `currency`. Precomputed after ingests and hourly; read from a replica when DATABASE_REPLICA_URLS is set.";

@ApiTags('benchmarks')
@Controller('benchmarks')
export class BenchmarksController {
  constructor(private readonly benchmarks: BenchmarksService) {}

  @Get(':category')
  @Cacheable(300)
  @ApiOperation({ summary: 'Every benchmark of a product category (public)', description: DESCRIPTION })
  @ApiOkResponse({ type: BenchmarksView })
  @ApiNotFoundResponse({ description: '`benchmark_not_found` (no active vendor lists the category)' })
  category(@Param() p: CategoryParam, @Query() q: BenchmarkQueryDto): Promise<BenchmarksView> {
    return this.benchmarks.forCategory(p.category, undefined, q.currency);
  }

  @Get(':category/:metric')
  @Cacheable(300)
  @ApiOperation({ summary: 'One benchmark of a product category (public)', description: DESCRIPTION })
  @ApiOkResponse({ type: BenchmarksView })
  @ApiNotFoundResponse({ description: '`benchmark_not_found`' })
  metric(@Param() p: CategoryMetricParam, @Query() q: BenchmarkQueryDto): Promise<BenchmarksView> {
    return this.benchmarks.forCategory(p.category, p.metric, q.currency);
  }
}
