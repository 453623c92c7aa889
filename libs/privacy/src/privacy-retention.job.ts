import { Logger } from '@nestjs/common';
import { Job, type JobHandler } from '#libs/queue';
import { BuyerDataService } from './buyer-data.service.js';

/**
 * Cron: retention that runs by itself — unpaid calculator sessions past
 * CALCULATOR_UNPAID_RETENTION_DAYS erased; paid ones with their report once it expires (contents,
 * events, access log; the payment kept, unlinked); old privacy links deleted.
 */
@Job('privacy.retention')
export class PrivacyRetentionJob implements JobHandler<'privacy.retention'> {
  private readonly logger = new Logger(PrivacyRetentionJob.name);
  constructor(private readonly buyers: BuyerDataService) {}

  async handle(): Promise<void> {
    this.logger.log({
      msg: 'privacy retention enforced',
      ...(await this.buyers.enforceRetention(new Date())),
    });
  }
}
