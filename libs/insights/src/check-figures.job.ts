import { Job, QueueService, type JobHandler } from '#libs/queue';
import { InsightsRefreshService } from './insights-refresh.service.js';

/**
 * Daily: rebuild every active vendor's counts from its catalogue, as a check of the folds, and drop
 * what deleted vendors left in the change log.
 */
@Job('insights.check-figures')
export class CheckFiguresJob implements JobHandler<'insights.check-figures'> {
  constructor(
    private readonly insights: InsightsRefreshService,
    private readonly queue: QueueService,
  ) {}

  async handle(): Promise<void> {
    await this.insights.forgetDeletedVendors();
    for (const vendorId of await this.insights.activeVendors())
      await this.queue.send('insights.rebuild-vendor', { vendorId, check: true }, { singletonKey: vendorId });
  }
}
