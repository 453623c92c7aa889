import { Module } from '@nestjs/common';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';
import { MaintainAuditPartitionsJob } from './maintain-audit-partitions.job.js';

@Module({
  providers: [AuditRepository, AuditService, MaintainAuditPartitionsJob],
  exports: [AuditService],
})
export class AuditModule {}
