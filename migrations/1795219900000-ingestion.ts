import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CSV ingestion: one row per ingest job (its upload, its phase and counts, the merge checkpoint),
 * the rejected rows of each job (served as errors.csv), and vendor feeds (a URL pulled on a cron
 * through the same pipeline; request headers sealed in the vault).
 */
export class Ingestion1795219900000 implements MigrationInterface {
  name = 'Ingestion1795219900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest_feeds (
        id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        vendor_id         uuid        NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
        url               text        NOT NULL,
        mode              text        NOT NULL CHECK (mode IN ('products', 'customers')),
        cron              text        NOT NULL,
        mapping           jsonb,
        headers_secret_id uuid,
        header_names      text[]      NOT NULL DEFAULT '{}',
        enabled           boolean     NOT NULL DEFAULT true,
        created_by        text        NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        last_job_id       uuid,
        last_run_at       timestamptz
      )`);
    await q.query(`CREATE INDEX ingest_feeds_vendor ON ingest_feeds (vendor_id, created_at)`);

    await q.query(`
      CREATE TABLE ingest_jobs (
        id              uuid        PRIMARY KEY,
        vendor_id       uuid        NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
        mode            text        NOT NULL CHECK (mode IN ('products', 'customers')),
        source          text        NOT NULL DEFAULT 'upload' CHECK (source IN ('upload', 'feed')),
        feed_id         uuid        REFERENCES ingest_feeds (id) ON DELETE SET NULL,
        status          text        NOT NULL DEFAULT 'awaiting_upload'
                                    CHECK (status IN ('awaiting_upload', 'queued', 'running', 'completed', 'failed')),
        phase           text,
        mapping         jsonb,
        -- the header → field mapping used, and the headers ignored
        columns         jsonb,
        upload_bytes    bigint,
        rows_total      bigint,
        rows_processed  bigint      NOT NULL DEFAULT 0,
        rows_inserted   bigint      NOT NULL DEFAULT 0,
        rows_updated    bigint      NOT NULL DEFAULT 0,
        rows_unchanged  bigint      NOT NULL DEFAULT 0,
        rows_failed     bigint      NOT NULL DEFAULT 0,
        -- valid rows after validation and de-duplication (a resumed merge checks its staging against it)
        rows_valid      bigint,
        -- merge checkpoint: rows of the file up to this line are merged and counted
        merged_through  bigint,
        attempts        integer     NOT NULL DEFAULT 0,
        phase_seconds   jsonb       NOT NULL DEFAULT '{}',
        error           text,
        created_by      text        NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        uploaded_at     timestamptz,
        started_at      timestamptz,
        finished_at     timestamptz,
        file_deleted_at timestamptz
      )`);
    await q.query(`CREATE INDEX ingest_jobs_vendor ON ingest_jobs (vendor_id, created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX ingest_jobs_open ON ingest_jobs (status, created_at) WHERE status IN ('awaiting_upload', 'queued', 'running')`,
    );
    await q.query(
      `CREATE INDEX ingest_jobs_files ON ingest_jobs (finished_at) WHERE file_deleted_at IS NULL`,
    );

    // One row per problem: a row with two bad fields has two; line_no is the line of the file
    // where the record starts (the header is line 1).
    await q.query(`
      CREATE TABLE ingest_errors (
        job_id      uuid   NOT NULL REFERENCES ingest_jobs (id) ON DELETE CASCADE,
        line_no     bigint NOT NULL,
        column_name text,
        value       text,
        reason      text   NOT NULL
      )`);
    await q.query(`CREATE INDEX ingest_errors_job ON ingest_errors (job_id, line_no)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ingest_errors`);
    await q.query(`DROP TABLE ingest_jobs`);
    await q.query(`DROP TABLE ingest_feeds`);
  }
}
