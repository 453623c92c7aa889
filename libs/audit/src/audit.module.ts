import { Module } from '@nestjs/common';
import { REPLAY_AUDIT } from '#libs/common';
import { VaultModule } from '#libs/vault';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';
import { MaintainAuditPartitionsJob } from './maintain-audit-partitions.job.js';

@Module({
  imports: [VaultModule],
  providers: [
    AuditRepository,
    AuditService,
    MaintainAuditPartitionsJob,
    // where the idempotency layer audits a replayed health response
    { provide: REPLAY_AUDIT, useExisting: AuditService },
  ],
  exports: [AuditService, REPLAY_AUDIT],
})
export class AuditModule {}
