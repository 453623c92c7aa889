import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { affectedRows, execute, firstRow, rowsOf } from '#libs/db';
import { type IngestJob } from './ingestion.entities.js';
import type { VendorId } from '#libs/common';
import type { IngestMode } from './fields.js';

export type IngestStatus = IngestJob['status'];

/** A job as the code reads it: the entity, with its jsonb columns narrowed. */
export type IngestJobRow = IngestJob & {
  mapping: Record<string, string> | null;
  warning_counts: Record<string, number>;
  columns: { mapped: Record<string, string>; ignored: string[] } | null;
  phase_seconds: Record<string, number>;
};

/** ingest_jobs and ingest_errors. Vendor-facing reads take the vendor id; the worker's take the job id it was given. */
@Injectable()
export class IngestJobsRepository {
  constructor(private readonly db: DataSource) {}

  async insert(
    m: EntityManager,
    vendorId: VendorId,
    j: {
      id: string;
      mode: IngestMode;
      mapping: Record<string, string> | null;
      nutrientBasis?: IngestJob['nutrient_basis'];
      createdBy: string;
      source: 'upload' | 'feed';
      feedId?: string | null;
    },
  ): Promise<IngestJobRow> {
    const rows = await rowsOf<IngestJobRow>(
      m,
      `INSERT INTO ingest_jobs (id, vendor_id, mode, mapping, nutrient_basis, created_by, source, feed_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [
        j.id,
        vendorId,
        j.mode,
        j.mapping ? JSON.stringify(j.mapping) : null,
        j.nutrientBasis ?? null,
        j.createdBy,
        j.source,
        j.feedId ?? null,
      ],
    );
    return rows[0]!;
  }

  async findForVendor(vendorId: VendorId, id: string): Promise<IngestJobRow | null> {
    const row = await firstRow<IngestJobRow>(
      this.db,
      `SELECT * FROM ingest_jobs WHERE vendor_id = $1 AND id = $2`,
      [vendorId, id],
    );
    return row ?? null;
  }

  async listForVendor(
    vendorId: VendorId,
    q: { limit: number; status?: IngestStatus; before?: { t: string; i: string } },
  ): Promise<IngestJobRow[]> {
    return rowsOf<IngestJobRow>(
      this.db,
      `SELECT * FROM ingest_jobs
        WHERE vendor_id = $1 AND ($2::text IS NULL OR status = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [vendorId, q.status ?? null, q.before?.t ?? null, q.before?.i ?? null, q.limit],
    );
  }

  /** The job a worker was handed (the payload is trusted: it was written by the api). */
  async findForWorker(
    id: string,
    m: EntityManager | DataSource = this.db,
    lock = false,
  ): Promise<IngestJobRow | null> {
    const row = await firstRow<IngestJobRow>(
      m,
      `SELECT * FROM ingest_jobs WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return row ?? null;
  }

  /** awaiting_upload → queued; false when the job was not waiting (already queued, failed, …). */
  async markUploaded(m: EntityManager, id: string, bytes: number): Promise<boolean> {
    const rows = await rowsOf(
      m,
      `UPDATE ingest_jobs SET status = 'queued', upload_bytes = $2, uploaded_at = now()
        WHERE id = $1 AND status = 'awaiting_upload' RETURNING id`,
      [id, bytes],
    );
    return rows.length === 1;
  }

  /** Starts (or restarts, after a crash) a run. */
  async markRunning(id: string): Promise<void> {
    await execute(
      this.db,
      `UPDATE ingest_jobs SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()), error = NULL
        WHERE id = $1`,
      [id],
    );
  }

  async update(
    id: string,
    fields: Partial<
      Record<'phase' | 'rows_total' | 'rows_processed' | 'rows_valid' | 'rows_failed' | 'columns', unknown>
    >,
    m: EntityManager | DataSource = this.db,
  ): Promise<void> {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    const sets = keys.map((k, i) => `${k} = $${i + 2}`).join(', ');
    const values = keys.map((k) => {
      const v = (fields as Record<string, unknown>)[k];
      return k === 'columns' ? JSON.stringify(v) : v;
    });
    await execute(m, `UPDATE ingest_jobs SET ${sets} WHERE id = $1`, [id, ...values]);
  }

  async recordPhase(id: string, phase: string, seconds: number): Promise<void> {
    await execute(
      this.db,
      `UPDATE ingest_jobs SET phase_seconds = phase_seconds || jsonb_build_object($2::text, $3::numeric) WHERE id = $1`,
      [id, phase, Math.round(seconds * 1000) / 1000],
    );
  }

  /** A fresh start: no checkpoint, no counts, no errors (the run rebuilds them from the file). */
  async resetForRestart(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await execute(m, `DELETE FROM ingest_errors WHERE job_id = $1`, [id]);
      await execute(
        m,
        `UPDATE ingest_jobs SET merged_through = NULL, rows_inserted = 0, rows_updated = 0, rows_unchanged = 0,
                rows_failed = 0, rows_processed = 0, rows_total = NULL, rows_valid = NULL,
                warning_counts = '{}' WHERE id = $1`,
        [id],
      );
    });
  }

  async clearErrors(id: string): Promise<void> {
    await execute(this.db, `DELETE FROM ingest_errors WHERE job_id = $1`, [id]);
  }

  /** Counts and checkpoint of one merged batch, in the batch's own transaction. */
  async addBatch(
    m: EntityManager,
    id: string,
    through: number,
    c: { inserted: number; updated: number; unchanged: number },
  ): Promise<void> {
    await execute(
      m,
      `UPDATE ingest_jobs SET merged_through = $2, rows_inserted = rows_inserted + $3, rows_updated = rows_updated + $4,
              rows_unchanged = rows_unchanged + $5, rows_processed = rows_processed + $3 + $4 + $5
        WHERE id = $1`,
      [id, through, c.inserted, c.updated, c.unchanged],
    );
  }

  async complete(m: EntityManager, id: string, counts?: { inserted: number }): Promise<IngestJobRow> {
    const rows = await rowsOf<IngestJobRow>(
      m,
      `UPDATE ingest_jobs SET status = 'completed', phase = NULL, finished_at = now(),
              rows_inserted = coalesce($2, rows_inserted), rows_processed = coalesce(rows_valid, rows_processed) + rows_failed
        WHERE id = $1 RETURNING *`,
      [id, counts?.inserted ?? null],
    );
    return rows[0]!;
  }

  /** Fails the job unless it already ended (or, with `onlyWhileAwaitingUpload`, unless its upload completed). */
  async fail(
    m: EntityManager,
    id: string,
    error: string,
    onlyWhileAwaitingUpload = false,
  ): Promise<IngestJobRow | null> {
    const row = await firstRow<IngestJobRow>(
      m,
      `UPDATE ingest_jobs SET status = 'failed', finished_at = now(), error = $2
        WHERE id = $1 AND status NOT IN ('completed', 'failed') AND (NOT $3 OR status = 'awaiting_upload') RETURNING *`,
      [id, error.slice(0, 2000), onlyWhileAwaitingUpload],
    );
    return row ?? null;
  }

  /** Uploads started but not finished before the cut-off. */
  async abandonedUploads(before: Date): Promise<{ id: string; vendor_id: VendorId; mode: IngestMode }[]> {
    return rowsOf<{ id: string; vendor_id: VendorId; mode: IngestMode }>(
      this.db,
      `SELECT id, vendor_id, mode FROM ingest_jobs WHERE status = 'awaiting_upload' AND source = 'upload' AND created_at < $1 LIMIT 1000`,
      [before],
    );
  }

  async awaitingUpload(): Promise<{ id: string }[]> {
    return rowsOf<{ id: string }>(
      this.db,
      `SELECT id FROM ingest_jobs WHERE status = 'awaiting_upload' AND source = 'upload' LIMIT 1000`,
    );
  }

  /** Finished jobs whose file (and errors) are past retention. */
  async pastRetention(before: Date): Promise<{ id: string }[]> {
    return rowsOf<{ id: string }>(
      this.db,
      `SELECT id FROM ingest_jobs WHERE file_deleted_at IS NULL AND status IN ('completed', 'failed') AND finished_at < $1 LIMIT 1000`,
      [before],
    );
  }

  async markFileDeleted(id: string, dropErrors: boolean): Promise<void> {
    await this.db.transaction(async (m) => {
      if (dropErrors) await execute(m, `DELETE FROM ingest_errors WHERE job_id = $1`, [id]);
      await execute(m, `UPDATE ingest_jobs SET file_deleted_at = now() WHERE id = $1`, [id]);
    });
  }

  /**
   * The rejected values of a vendor's customer files that name a person (contain one of `values`,
   * case-insensitive), with the other rejected values of the same CSV lines.
   */
  async errorsNaming(m: EntityManager, vendorId: VendorId, values: string[]): Promise<RejectedValue[]> {
    return rowsOf<RejectedValue>(
      m,
      `${NAMING_LINES}
       SELECT e.job_id, e.line_no, e.column_name, e.value, e.reason
         FROM ingest_errors e JOIN naming USING (job_id, line_no)
        WHERE e.vendor_id = $1 ORDER BY e.job_id, e.line_no, e.id`,
      [vendorId, values.map((v) => v.toLowerCase())],
    );
  }

  /** Erasure: those rejected lines (every rejected value of each line that names the person). */
  async forgetErrorsNaming(m: EntityManager, vendorId: VendorId, values: string[]): Promise<number> {
    return affectedRows(
      m,
      `${NAMING_LINES}
       DELETE FROM ingest_errors e USING naming n
        WHERE e.vendor_id = $1 AND e.job_id = n.job_id AND e.line_no = n.line_no`,
      [vendorId, values.map((v) => v.toLowerCase())],
    );
  }
}

/** The (job, line) of a vendor's customer-file rejections whose value contains one of $2 (lower case). */
const NAMING_LINES = `
  WITH naming AS (
    SELECT DISTINCT e.job_id, e.line_no
      FROM ingest_errors e JOIN ingest_jobs j ON j.id = e.job_id AND j.vendor_id = e.vendor_id
     WHERE e.vendor_id = $1 AND j.mode = 'customers'
       AND EXISTS (SELECT 1 FROM unnest($2::text[]) v WHERE v <> '' AND strpos(lower(e.value), v) > 0)
  )`;

export interface RejectedValue {
  job_id: string;
  line_no: string;
  column_name: string;
  value: string | null;
  reason: string;
}
