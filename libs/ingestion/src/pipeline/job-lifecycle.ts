import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { QueueService } from '#libs/queue';
import { WebhookEventsService } from '#libs/webhooks';
import { IngestJobsRepository, type IngestJobRow } from '../ingest-jobs.repository.js';
import { jobView } from '../views.js';

/**
 * How an ingest job moves: each phase recorded (name while it runs, seconds when it ends), and
 * the end — completed or failed — written with its webhook event in one transaction.
 */
@Injectable()
export class IngestJobLifecycle {
  constructor(
    private readonly db: DataSource,
    private readonly jobs: IngestJobsRepository,
    private readonly events: WebhookEventsService,
    private readonly queue: QueueService,
  ) {}

  /** Runs one phase of the job, shown as its `phase` while it runs and timed into phase_seconds. */
  async phase<T>(job: Pick<IngestJobRow, 'id'>, name: string, fn: () => Promise<T>): Promise<T> {
    await this.jobs.update(job.id, { phase: name });
    const started = performance.now();
    const result = await fn();
    await this.jobs.recordPhase(job.id, name, (performance.now() - started) / 1000);
    return result;
  }

  /**
   * Completes the job, emits `ingestion.completed` and queues the refresh of the vendor's directory
   * figures and analytics (`counts`: a first load's, whose figures are counted again) — all in the
   * caller's transaction.
   */
  async complete(m: EntityManager, job: IngestJobRow, counts?: { inserted: number }): Promise<void> {
    const view = jobView(await this.jobs.complete(m, job.id, counts));
    await this.events.emit(m, job.vendor_id, 'ingestion.completed', {
      job_id: view.job_id,
      mode: view.mode,
      rows_total: view.rows_total,
      rows_inserted: view.rows_inserted,
      rows_updated: view.rows_updated,
      rows_unchanged: view.rows_unchanged,
      rows_failed: view.rows_failed,
    });
    // a first load of products bypasses the figures' change log (its rows never pass the triggers
    // of the live table): the vendor's figures are counted again; any other load is folded in
    await this.queue.send(
      counts && job.mode === 'products' ? 'insights.rebuild-vendor' : 'insights.refresh-vendor',
      { vendorId: job.vendor_id },
      { manager: m, singletonKey: job.vendor_id },
    );
  }

  /** Fails the job (unless it already ended) and emits `ingestion.failed`, in one transaction. */
  async fail(
    job: Pick<IngestJobRow, 'id' | 'vendor_id' | 'mode'>,
    error: string,
    onlyWhileAwaitingUpload = false,
  ): Promise<void> {
    await this.db.transaction(async (m) => {
      const failed = await this.jobs.fail(m, job.id, error, onlyWhileAwaitingUpload);
      if (!failed) return;
      await this.events.emit(m, job.vendor_id, 'ingestion.failed', {
        job_id: job.id,
        mode: job.mode,
        error,
        rows_total: failed.rows_total === null ? null : Number(failed.rows_total),
        rows_failed: Number(failed.rows_failed),
      });
    });
  }
}
