import { Logger } from '@nestjs/common';
import { asVendorId } from '#libs/common';
import { Job, QueueService, type JobContext, type JobHandler } from '#libs/queue';
import { InsightsRefreshService } from './insights-refresh.service.js';

/** Folds one vendor's catalogue changes into its figures and analytics, then asks for the benchmarks. */
@Job('insights.refresh-vendor')
export class RefreshVendorJob implements JobHandler<'insights.refresh-vendor'> {
  private readonly logger = new Logger(RefreshVendorJob.name);
  constructor(
    private readonly insights: InsightsRefreshService,
    private readonly queue: QueueService,
  ) {}

  async handle(data: { vendorId: string }, ctx: JobContext): Promise<void> {
    const started = Date.now();
    const vendorId = asVendorId(data.vendorId);
    const change = await this.insights.refreshVendor(
      { id: `job:${ctx.id}`, role: 'system', vendorId, ip: null, userAgent: null },
      vendorId,
    );
    // a burst of vendor refreshes (the hourly sweep) collapses into one rebuild (stately queue)
    if (change.categories.length) await this.queue.send('insights.rebuild-benchmarks', {}, { startAfter: 5 });
    this.logger.log({
      msg: 'vendor insights refreshed',
      vendorId,
      rebuilt: change.rebuilt,
      changes: change.rows,
      categories: change.categories.length,
      ms: Date.now() - started,
    });
  }
}
