import { Inject, Injectable } from '@nestjs/common';
import { QueueService } from '#libs/queue';
import { readHeader } from './csv/csv-to-copy.js';
import { CsvFormatError } from './csv/tokenizer.js';
import { mapHeaders, MappingError } from './fields.js';
import { IngestJobsRepository, type IngestJobRow } from './ingest-jobs.repository.js';
import { BulkTargets } from './pipeline/bulk-targets.js';
import { CopyPhase } from './pipeline/copy-phase.js';
import { FirstLoadPhase } from './pipeline/first-load-phase.js';
import { IngestConnections, type Conn } from './pipeline/ingest-connections.js';
import { IngestJobLifecycle } from './pipeline/job-lifecycle.js';
import { MergePhase } from './pipeline/merge-phase.js';
import { ValidatePhase } from './pipeline/validate-phase.js';
import { UPLOAD_STORE } from './tokens.js';
import type { UploadStore } from './upload-store.js';

/** A problem with the file itself: the job fails with this message and is not retried. */
export class IngestFileError extends Error {}

/** A job whose vendor and mode are busy is looked at again after this. */
const BUSY_RETRY_MS = 5000;

/**
 * The `ingest.csv` pipeline, a thin orchestrator over its phases (./pipeline): copy the upload
 * into a staging table, validate and type it (rejected values → ingest_errors), then merge — a
 * first load into a new partition swapped in whole, any other load in resumable batches. The job
 * completes (and `ingestion.completed` is emitted) in the transaction that makes the last change
 * visible; a file problem fails it at once, any other error on the queue's last attempt.
 */
@Injectable()
export class IngestPipeline {
  constructor(
    private readonly connections: IngestConnections,
    private readonly lifecycle: IngestJobLifecycle,
    private readonly jobs: IngestJobsRepository,
    private readonly queue: QueueService,
    private readonly copy: CopyPhase,
    private readonly validate: ValidatePhase,
    private readonly merge: MergePhase,
    private readonly firstLoad: FirstLoadPhase,
    private readonly targets: BulkTargets,
    @Inject(UPLOAD_STORE) private readonly uploads: UploadStore,
  ) {}

  async run(jobId: string, lastAttempt: boolean): Promise<void> {
    const job = await this.jobs.findForWorker(jobId);
    if (!job || !['queued', 'running'].includes(job.status)) return;
    const main = await this.connections.connect();
    try {
      // One ingest per vendor and mode at a time; the lock goes with the connection if the worker dies.
      const { rows } = await main.client.query<{ ok: boolean }>(
        `SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok`,
        [`ingest:${job.vendor_id}:${job.mode}`],
      );
      if (!rows[0]!.ok) {
        await this.queue.send('ingest.csv', { jobId }, { startAfter: new Date(Date.now() + BUSY_RETRY_MS) });
        return;
      }
      await this.jobs.markRunning(jobId);
      await this.execute(job, main);
    } catch (err) {
      const fileProblem =
        err instanceof CsvFormatError || err instanceof MappingError || err instanceof IngestFileError;
      if (fileProblem || lastAttempt) {
        const message = err instanceof Error ? err.message : String(err);
        await this.lifecycle.fail(job, fileProblem ? message : `the ingest failed: ${message}`);
        await this.connections.dropJobTables(main.client, job.id);
        if (fileProblem) return;
      }
      throw err;
    } finally {
      await this.connections.release(main);
    }
  }

  private async execute(job: IngestJobRow, main: Conn): Promise<void> {
    const header = await readHeader(await this.uploads.read(job.id));
    const mapping = mapHeaders(job.mode, header.names, job.mapping ?? {}, job.nutrient_basis);
    await this.jobs.update(job.id, {
      columns: {
        mapped: Object.fromEntries(mapping.used.map((u) => [u.header, u.field.field])),
        ignored: mapping.ignored,
      },
    });
    const resume = job.merged_through !== null;
    if (resume) await this.jobs.clearErrors(job.id);
    else await this.jobs.resetForRestart(job.id);
    await this.connections.dropJobTables(main.client, job.id);

    // a vendor with nothing of this mode yet gets its rows loaded beside the live tables and swapped in
    const firstLoad =
      !resume &&
      (await this.connections.vendorHasNoRows(
        main.client,
        job.vendor_id,
        this.targets.of(job.mode).parents(),
      ));
    const { records, marked } = await this.lifecycle.phase(job, 'copy', () =>
      this.copy.run(job, main, header, mapping, { resume, firstLoad }),
    );
    if (records === 0) throw new IngestFileError('the file has a header but no rows');
    const valid = await this.lifecycle.phase(job, 'validate', () =>
      this.validate.run(job, main, mapping, { firstLoad, records, marked }),
    );
    await this.jobs.update(job.id, {
      rows_total: records,
      rows_valid: valid,
      rows_failed: records - valid,
      ...(resume ? {} : { rows_processed: records - valid }),
    });

    if (firstLoad) await this.firstLoad.run(job, main, mapping, valid);
    else await this.merge.run(job, main, mapping);
    await this.connections.dropJobTables(main.client, job.id);
  }
}
