import { Logger } from '@nestjs/common';
import { Job, type JobHandler } from '#libs/queue';
import { IngestService } from './ingest.service.js';

@Job('ingest.maintain')
export class IngestMaintainJob implements JobHandler<'ingest.maintain'> {
  private readonly logger = new Logger(IngestMaintainJob.name);
  constructor(private readonly ingest: IngestService) {}

  async handle(): Promise<void> {
    const r = await this.ingest.maintain();
    if (r.queued + r.expired + r.purged > 0) this.logger.log({ msg: 'ingest maintenance', ...r });
  }
}
