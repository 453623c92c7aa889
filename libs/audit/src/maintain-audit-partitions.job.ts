import { Logger } from '@nestjs/common';
import { Job, type JobHandler } from '#libs/queue';
import { AuditService } from './audit.service.js';

@Job('audit.maintain-partitions')
export class MaintainAuditPartitionsJob implements JobHandler<'audit.maintain-partitions'> {
  private readonly logger = new Logger(MaintainAuditPartitionsJob.name);
  constructor(private readonly audit: AuditService) {}

  async handle(): Promise<void> {
    const created = await this.audit.ensurePartitions();
    this.logger.log({ msg: 'audit log partitions ensured', created });
  }
}
