import { Logger } from '@nestjs/common';
import { asVendorId } from '#libs/common';
import { Job, QueueService, type JobContext, type JobHandler } from '#libs/queue';
import { InsightsRefreshService } from './insights-refresh.service.js';

/**
 * Counts one vendor's catalogue again (after a first load, whose rows bypass the change log, and
 * in the daily check), then its figures and the benchmarks. Drift found by the check — counts that
 * a fold got wrong — is logged as a warning: something wrote products around the triggers.
 */
@Job('insights.rebuild-vendor')
export class RebuildVendorJob implements JobHandler<'insights.rebuild-vendor'> {
  private readonly logger = new Logger(RebuildVendorJob.name);
  constructor(
    private readonly insights: InsightsRefreshService,
    private readonly queue: QueueService,
  ) {}

  async handle(data: { vendorId: string; check?: boolean }, ctx: JobContext): Promise<void> {
    const started = Date.now();
    const vendorId = asVendorId(data.vendorId);
    const change = await this.insights.rebuildVendor(
      { id: `job:${ctx.id}`, role: 'system', vendorId, ip: null, userAgent: null },
      vendorId,
    );
    await this.queue.send('insights.rebuild-benchmarks', {}, { startAfter: 5 });
    const entry = {
      msg:
        data.check && change.drift ? 'vendor figures drifted from the catalogue' : 'vendor figures rebuilt',
      vendorId,
      products: change.rows,
      drift: change.drift,
      ms: Date.now() - started,
    };
    if (data.check && change.drift) this.logger.warn(entry);
    else this.logger.log(entry);
  }
}
