import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import copyStreams from 'pg-copy-streams';
import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, type Actor } from '#libs/audit';
import { Conflict, NotFound, ValidationFailed, isTimeIdCursor, type VendorId, paginate } from '#libs/common';
import { AppConfig } from '#libs/config';
import { QueueService } from '#libs/queue';
import { FIELDS, type IngestMode, type NutrientBasis } from './fields.js';
import {
  IngestJobsRepository,
  type RejectedValue,
  type IngestJobRow,
  type IngestStatus,
} from './ingest-jobs.repository.js';
import { IngestJobLifecycle } from './pipeline/job-lifecycle.js';
import { UPLOAD_STORE } from './tokens.js';
import type { UploadStore } from './upload-store.js';

export const UPLOADS_PATH = '/api/v1/ingest/uploads';

/** Ingest jobs: created by a vendor, fed by a TUS upload (or a feed), run by the worker. */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);

  constructor(
    private readonly db: DataSource,
    private readonly jobs: IngestJobsRepository,
    private readonly queue: QueueService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly lifecycle: IngestJobLifecycle,
    @Inject(UPLOAD_STORE) private readonly uploads: UploadStore,
  ) {}

  /** Checks an explicit mapping (file header → field): every target must be a field of the mode. */
  checkMapping(mode: IngestMode, mapping: Record<string, string> | undefined): void {
    if (!mapping) return;
    const fields = new Set(FIELDS[mode].map((f) => f.field));
    const details = Object.entries(mapping)
      .filter(([, field]) => !fields.has(field))
      .map(([header, field]) => ({
        field: `mapping.${header}`,
        message: `"${field}" is not a ${mode} field (one of: ${[...fields].join(', ')})`,
      }));
    if (details.length > 0) throw new ValidationFailed('The mapping names unknown fields', details);
  }

  async createUploadJob(
    actor: Actor,
    vendorId: VendorId,
    mode: IngestMode,
    mapping?: Record<string, string>,
    nutrientBasis?: NutrientBasis,
  ) {
    this.checkMapping(mode, mapping);
    if (nutrientBasis !== undefined && !FIELDS[mode].some((f) => f.column === 'nutrient_basis')) {
      throw new ValidationFailed('The request is not valid', [
        { field: 'nutrient_basis', message: 'applies to products files only' },
      ]);
    }
    const job = await this.db.transaction(async (m) => {
      const row = await this.jobs.insert(m, vendorId, {
        id: randomUUID(),
        mode,
        mapping: mapping ?? null,
        nutrientBasis: nutrientBasis ?? null,
        createdBy: actor.id,
        source: 'upload',
      });
      await this.audit.record(
        actor,
        { action: 'ingest_job.created', entity: 'ingest_job', entityId: row.id, after: { mode } },
        m,
      );
      return row;
    });
    return {
      job,
      upload_url: `${this.config.http.publicBaseUrl}${UPLOADS_PATH}/${job.id}`,
      resumable: true as const,
      max_size_bytes: this.config.ingest.maxUploadBytes,
    };
  }

  async get(vendorId: VendorId, id: string): Promise<IngestJobRow> {
    const job = await this.jobs.findForVendor(vendorId, id);
    if (!job) throw new NotFound('Ingest job', 'ingest_job_not_found');
    return job;
  }

  async list(vendorId: VendorId, q: { limit: number; status?: IngestStatus; cursor?: string }) {
    return paginate(
      q,
      {
        isValid: isTimeIdCursor,
        of: (row: IngestJobRow) => ({ t: row.created_at.toISOString(), i: row.id }),
      },
      (before, limit) => this.jobs.listForVendor(vendorId, { limit, status: q.status, before }),
    );
  }

  /** errors.csv, streamed from the database (COPY … TO STDOUT), one row per problem. */
  async errorsCsv(vendorId: VendorId, id: string): Promise<Readable> {
    await this.get(vendorId, id);
    const runner = this.db.createQueryRunner();
    const client = (await runner.connect()) as pg.PoolClient;
    const stream = client.query(
      copyStreams.to(
        `COPY (SELECT line_no AS line, ${csvSafe('column_name')} AS "column", ${csvSafe('value')} AS value,
                      ${csvSafe('reason')} AS reason, severity FROM ingest_errors
                WHERE job_id = '${id}' ORDER BY line_no, column_name NULLS FIRST, severity) TO STDOUT WITH (FORMAT csv, HEADER true)`,
      ),
    );
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      void runner.release();
    };
    stream.on('end', release).on('error', release).on('close', release);
    return stream;
  }

  /** The upload a TUS request addresses: the vendor's own job, still open for writing unless reading. */
  async uploadTarget(vendorId: VendorId, jobId: string, method: string): Promise<IngestJobRow> {
    const job = await this.get(vendorId, jobId);
    if (job.source !== 'upload')
      throw new Conflict('This job takes no upload (it reads a feed)', 'upload_closed');
    if (!['HEAD', 'GET'].includes(method) && job.status !== 'awaiting_upload') {
      throw new Conflict(`This job's upload is closed (the job is ${job.status})`, 'upload_closed');
    }
    return job;
  }

  /** The upload is complete: queue the job (once, whoever calls first: the TUS hook or the maintenance cron). */
  async uploadFinished(jobId: string, bytes: number): Promise<void> {
    await this.db.transaction(async (m) => {
      const job = await this.jobs.findForWorker(jobId, m, true);
      if (!job || !(await this.jobs.markUploaded(m, jobId, bytes))) return;
      await this.enqueue(m, job);
    });
  }

  async enqueue(m: EntityManager, job: Pick<IngestJobRow, 'id' | 'vendor_id' | 'mode'>): Promise<void> {
    await this.queue.send('ingest.csv', { jobId: job.id }, { manager: m });
  }

  /** Fails the job (unless it already ended) and emits `ingestion.failed`, in one transaction. */
  failWithEvent(job: Pick<IngestJobRow, 'id' | 'vendor_id' | 'mode'>, error: string): Promise<void> {
    return this.lifecycle.fail(job, error);
  }

  /** A client terminates its upload (TUS DELETE): the job fails, unless its upload completed meanwhile. */
  async uploadTerminated(jobId: string): Promise<void> {
    const job = await this.jobs.findForWorker(jobId);
    if (job) await this.lifecycle.fail(job, 'the upload was terminated by the client', true);
  }

  /**
   * Maintenance: uploads complete but not queued (the api stopped in between) are queued;
   * abandoned uploads fail and lose their file; files and error rows past retention go.
   */
  async maintain(): Promise<{ queued: number; expired: number; purged: number }> {
    let queued = 0;
    let expired = 0;
    let purged = 0;
    for (const { id } of await this.jobs.awaitingUpload()) {
      const p = await this.uploads.progress(id);
      if (p && p.size !== null && p.offset === p.size) {
        await this.uploadFinished(id, p.size);
        queued++;
      }
    }
    for (const job of await this.jobs.abandonedUploads(
      new Date(Date.now() - this.config.ingest.uploadExpiryMs),
    )) {
      const failed = await this.db.transaction((m) =>
        this.jobs.fail(
          m,
          job.id,
          `the upload was not completed within ${this.config.ingest.uploadExpiryMs / 3_600_000} hours`,
        ),
      );
      if (failed) {
        await this.uploads.remove(job.id);
        expired++;
      }
    }
    try {
      await this.uploads.store.deleteExpired();
    } catch (err) {
      this.logger.warn({ msg: 'deleting expired uploads failed', err });
    }
    for (const { id } of await this.jobs.pastRetention(
      new Date(Date.now() - this.config.ingest.retentionMs),
    )) {
      await this.uploads.remove(id);
      await this.jobs.markFileDeleted(id, true);
      purged++;
    }
    return { queued, expired, purged };
  }

  /** A person's rejected CSV lines in the vendor's customer files (their copy of their data). */
  rejectedLinesNaming(m: EntityManager, vendorId: VendorId, values: string[]): Promise<RejectedValue[]> {
    return this.jobs.errorsNaming(m, vendorId, values);
  }

  /** Erasure, in the caller's transaction: the rejected CSV lines that name the person. */
  forgetRejectedLinesNaming(m: EntityManager, vendorId: VendorId, values: string[]): Promise<number> {
    return this.jobs.forgetErrorsNaming(m, vendorId, values);
  }
}

/**
 * A cell a spreadsheet would run as a formula (OWASP, "CSV Injection"): text that starts with
 * `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'` so it opens as text. A plain
 * number (`-3`, `+1.5`) is left as it is: no spreadsheet runs it, and a vendor reading the file
 * wants the value it sent.
 */
function csvSafe(column: string): string {
  return `CASE WHEN ${column} ~ '^[=+@\t\r-]' AND ${column} !~ '^[+-]?[0-9]+([.][0-9]+)?$'
               THEN '''' || ${column} ELSE ${column} END`;
}
