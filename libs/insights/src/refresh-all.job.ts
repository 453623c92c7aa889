import { Job, QueueService, type JobHandler } from '#libs/queue';
import { InsightsRefreshService } from './insights-refresh.service.js';

/** Hourly: queue a refresh of every active vendor (each then queues the benchmarks rebuild). */
@Job('insights.refresh-all')
export class RefreshAllJob implements JobHandler<'insights.refresh-all'> {
  constructor(
    private readonly insights: InsightsRefreshService,
    private readonly queue: QueueService,
  ) {}

  async handle(): Promise<void> {
    for (const vendorId of await this.insights.activeVendors()) {
      await this.queue.send('insights.refresh-vendor', { vendorId }, { singletonKey: vendorId });
    }
    await this.queue.send('insights.rebuild-benchmarks', {}, { startAfter: 5 });
  }
}
