import { Module } from '@nestjs/common';
import { CustomersModule } from '#libs/customers';
import { BenchmarksRepository } from './benchmarks.repository.js';
import { BenchmarksService } from './benchmarks.service.js';
import { CatalogueAnalyticsRepository } from './catalogue-analytics.repository.js';
import { CatalogueAnalyticsService } from './catalogue-analytics.service.js';
import { DirectoryInsightsService } from './directory-insights.service.js';
import { DirectoryStatsRepository } from './directory-stats.repository.js';
import { InsightsRefreshService } from './insights-refresh.service.js';
import { RebuildBenchmarksJob } from './rebuild-benchmarks.job.js';
import { RefreshAllJob } from './refresh-all.job.js';
import { RefreshVendorJob } from './refresh-vendor.job.js';
import { RebuildVendorJob } from './rebuild-vendor.job.js';
import { CheckFiguresJob } from './check-figures.job.js';
import { FigureCountsRepository } from './figure-counts.repository.js';

/** Directory figures, category benchmarks and catalogue analytics: derived in jobs, read from replicas. */
@Module({
  imports: [CustomersModule],
  providers: [
    FigureCountsRepository,
    DirectoryStatsRepository,
    BenchmarksRepository,
    CatalogueAnalyticsRepository,
    InsightsRefreshService,
    DirectoryInsightsService,
    BenchmarksService,
    CatalogueAnalyticsService,
    RefreshVendorJob,
    RebuildBenchmarksJob,
    RefreshAllJob,
    RebuildVendorJob,
    CheckFiguresJob,
  ],
  exports: [InsightsRefreshService, DirectoryInsightsService, BenchmarksService, CatalogueAnalyticsService],
})
export class InsightsModule {}
