import { Logger } from '@nestjs/common';
import { Job, type JobHandler } from '#libs/queue';
import { InsightsRefreshService } from './insights-refresh.service.js';

/** Rebuilds the category benchmarks across every active vendor (one pass over the catalogue). */
@Job('insights.rebuild-benchmarks')
export class RebuildBenchmarksJob implements JobHandler<'insights.rebuild-benchmarks'> {
  private readonly logger = new Logger(RebuildBenchmarksJob.name);
  constructor(private readonly insights: InsightsRefreshService) {}

  async handle(): Promise<void> {
    const started = Date.now();
    const rows = await this.insights.rebuildBenchmarks();
    this.logger.log({ msg: 'category benchmarks rebuilt', rows, ms: Date.now() - started });
  }
}
