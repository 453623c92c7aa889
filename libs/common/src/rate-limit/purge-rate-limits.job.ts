import { Logger } from '@nestjs/common';
import { Job, type JobHandler } from '#libs/queue';
import { RateLimitRepository } from './rate-limit.repository.js';

@Job('rate-limit.purge')
export class PurgeRateLimitsJob implements JobHandler<'rate-limit.purge'> {
  private readonly logger = new Logger(PurgeRateLimitsJob.name);
  constructor(private readonly counters: RateLimitRepository) {}

  async handle(): Promise<void> {
    const purged = await this.counters.purgeEnded();
    this.logger.log({ msg: 'purged ended rate-limit windows', purged });
  }
}
