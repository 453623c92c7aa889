import { Logger } from '@nestjs/common';
import { Job, type JobHandler } from '#libs/queue';
import { ReportMaintenanceRepository } from './report-maintenance.repository.js';

/** Cron: reports past their expiry become 410 Gone (soft: `is_expired`). */
@Job('reports.expire')
export class ExpireReportsJob implements JobHandler<'reports.expire'> {
  private readonly logger = new Logger(ExpireReportsJob.name);
  constructor(private readonly repo: ReportMaintenanceRepository) {}

  async handle(): Promise<void> {
    this.logger.log({ msg: 'expired reports', count: await this.repo.expireDue() });
  }
}

/**
 * Cron: access-log partitions for the next three months; partitions past 90 days dropped; LLM call
 * logs (prompt sizes, cost, errors) kept 90 days like the access logs.
 */
@Job('reports.maintain-partitions')
export class MaintainReportPartitionsJob implements JobHandler<'reports.maintain-partitions'> {
  private readonly logger = new Logger(MaintainReportPartitionsJob.name);
  constructor(private readonly repo: ReportMaintenanceRepository) {}

  async handle(): Promise<void> {
    const created = await this.repo.ensurePartitions(3);
    const dropped = await this.repo.dropOlderThan(90);
    const llmLogsPurged = await this.repo.purgeLlmLogs(90);
    this.logger.log({ msg: 'report logs maintained', created, dropped, llm_logs_purged: llmLogsPurged });
  }
}
