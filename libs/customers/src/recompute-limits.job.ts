import { Logger } from '@nestjs/common';
import { asVendorId } from '#libs/common';
import { Job, QueueService, type JobContext, type JobHandler } from '#libs/queue';
import { HealthProfileService } from './health-profile.service.js';

/** Re-derives the limits of every customer holding a condition whose rule changed (set-based), then queues the vendor's analytics refresh. */
@Job('customers.recompute-limits')
export class RecomputeLimitsJob implements JobHandler<'customers.recompute-limits'> {
  private readonly logger = new Logger(RecomputeLimitsJob.name);
  constructor(
    private readonly health: HealthProfileService,
    private readonly queue: QueueService,
  ) {}

  async handle(data: { vendorId: string; conditionCode: string }, ctx: JobContext): Promise<void> {
    const started = Date.now();
    const n = await this.health.recomputeForCondition(
      { id: `job:${ctx.id}`, role: 'system', vendorId: data.vendorId, ip: null, userAgent: null },
      asVendorId(data.vendorId),
      data.conditionCode,
    );
    this.logger.log({ msg: 'derived limits recomputed', ...data, customers: n, ms: Date.now() - started });
    // the vendor's match coverage depends on its customers' limits
    await this.queue.send(
      'insights.refresh-vendor',
      { vendorId: data.vendorId },
      { singletonKey: data.vendorId },
    );
  }
}
