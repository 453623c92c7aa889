import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { QueueService } from '#libs/queue';
import type { VendorId } from '#libs/common';

/**
 * Tells the insights refresh that a vendor's catalogue changed through the API: one delayed
 * refresh per vendor (the queue keeps at most one waiting per vendor; this process asks at most
 * once per delay, so a stream of writes costs no extra statement each). A failure to ask is logged,
 * not raised: the write stands and the hourly refresh catches up.
 */
@Injectable()
export class CatalogueChanges {
  private readonly logger = new Logger(CatalogueChanges.name);
  private readonly askedAt = new Map<VendorId, number>();

  constructor(
    private readonly queue: QueueService,
    private readonly config: AppConfig,
  ) {}

  /** Queues the vendor's refresh INSIGHTS_REFRESH_DELAY_SECONDS from now (changes in between join it). */
  async changed(vendorId: VendorId): Promise<void> {
    const delay = this.config.search.insightsRefreshDelaySeconds;
    const now = Date.now();
    if (now - (this.askedAt.get(vendorId) ?? 0) < delay * 1000) return;
    this.askedAt.set(vendorId, now);
    try {
      await this.queue.send(
        'insights.refresh-vendor',
        { vendorId },
        { singletonKey: vendorId, ...(delay ? { startAfter: delay } : {}) },
      );
    } catch (err) {
      this.askedAt.delete(vendorId);
      this.logger.warn({ msg: 'could not queue the catalogue figures refresh', vendorId, err: String(err) });
    }
  }
}
