import { Module } from '@nestjs/common';
import { VendorsModule } from '#libs/vendors';
import { AnalyticsController } from './analytics.controller.js';
import { BenchmarksController } from './benchmarks.controller.js';
import { CompareController } from './compare.controller.js';
import { InsightsModule } from './insights.module.js';

@Module({
  imports: [InsightsModule, VendorsModule],
  controllers: [CompareController, BenchmarksController, AnalyticsController],
})
export class InsightsHttpModule {}
