import { Logger } from '@nestjs/common';
import { Job, type JobHandler } from '#libs/queue';
import { IdempotencyService } from './idempotency.service.js';

@Job('idempotency.purge')
export class PurgeIdempotencyKeysJob implements JobHandler<'idempotency.purge'> {
  private readonly logger = new Logger(PurgeIdempotencyKeysJob.name);
  constructor(private readonly idempotency: IdempotencyService) {}

  async handle(): Promise<void> {
    const purged = await this.idempotency.purgeExpired();
    this.logger.log({ msg: 'purged expired idempotency keys', purged });
  }
}
