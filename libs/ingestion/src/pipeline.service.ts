import { Inject, Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import type { QueryRunner } from 'typeorm';
import { AuditService } from '#libs/audit';
import { asVendorId } from '#libs/common';
import { AppConfig } from '#libs/config';
import { SchemaOwnerDb } from '#libs/db';
import { QueueService } from '#libs/queue';
import { WebhookEventsService } from '#libs/webhooks';
import { CsvToCopy, readHeader } from './csv/csv-to-copy.js';
import { CsvFormatError } from './csv/tokenizer.js';
import { mapHeaders, MappingError, type ColumnMapping } from './fields.js';
import { IngestJobsRepository, type IngestJobRow } from './ingest-jobs.repository.js';
import { IngestService } from './ingest.service.js';
import {
  customerLimitsSql,
  customersBatchSql,
  customerTables,
  productsBatchSql,
  productsLoadSql,
} from './merge-sql.js';
import { copySql, createStagingSql, dedupeSql, insertErrorsSql, jobTables, typedSql } from './sql.js';
import { UPLOAD_STORE } from './tokens.js';
import type { UploadStore } from './upload-store.js';
import { jobView } from './views.js';

/** A problem with the file itself: the job fails with this message and is not retried. */
export class IngestFileError extends Error {}

// Index builds run on INGEST_PARALLELISM connections at once: without PostgreSQL's own parallel
// workers per build (measured: 2 connections × no workers build in 60 % of the time 1 × 2 take).
// client_connection_check_interval: a statement of a worker that died stops within seconds (and
// releases the job's advisory lock) instead of running to its end.
const SESSION = `SET statement_timeout = 0; SET lock_timeout = 0; SET work_mem = '256MB';
  SET maintenance_work_mem = '512MB'; SET max_parallel_maintenance_workers = 0; SET synchronous_commit = off;
  SET client_connection_check_interval = '5s'`;

/** A job whose vendor and mode are busy is looked at again after this. */
const BUSY_RETRY_MS = 5000;

type Conn = { runner: QueryRunner; client: pg.PoolClient };

/**
 * The `ingest.csv` pipeline: COPY the upload into an unlogged all-text staging table, validate
 * and type it in SQL (rejected values → ingest_errors), then merge:
 *  - a first load (the vendor has no products) goes into a new, index-less partition loaded on
 *    INGEST_PARALLELISM connections, indexed afterwards, and swapped in in one transaction;
 *  - otherwise batches of INGEST_BATCH_ROWS lines, each one transaction that also records its
 *    counts and the line it reached, so a retried job resumes after the last committed batch.
 * The job completes (and `ingestion.completed` is emitted) in the transaction that makes the
 * last change visible.
 */
@Injectable()
export class IngestPipeline {
  private readonly logger = new Logger(IngestPipeline.name);

  constructor(
    private readonly schemaOwner: SchemaOwnerDb,
    private readonly jobs: IngestJobsRepository,
    private readonly events: WebhookEventsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly queue: QueueService,
    private readonly ingest: IngestService,
    @Inject(UPLOAD_STORE) private readonly uploads: UploadStore,
  ) {}

  async run(jobId: string, lastAttempt: boolean): Promise<void> {
    const job = await this.jobs.findForWorker(jobId);
    if (!job || !['queued', 'running'].includes(job.status)) return;
    const main = await this.connect();
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
        await this.ingest.failWithEvent(job, fileProblem ? message : `the ingest failed: ${message}`);
        await this.dropJobTables(main.client, job.id);
        if (fileProblem) return;
      }
      throw err;
    } finally {
      await this.release(main);
    }
  }

  private async connect(): Promise<Conn> {
    // as the schema owner: the pipeline creates, swaps and vacuums partitions
    const runner = (await this.schemaOwner.dataSource()).createQueryRunner();
    const client = (await runner.connect()) as pg.PoolClient;
    await client.query(SESSION);
    return { runner, client };
  }

  private async release(c: Conn): Promise<void> {
    await c.client.query('RESET ALL; SELECT pg_advisory_unlock_all()').catch(() => undefined);
    await c.runner.release();
  }

  private async timed<T>(job: IngestJobRow, phase: string, fn: () => Promise<T>): Promise<T> {
    await this.jobs.update(job.id, { phase });
    const started = performance.now();
    const result = await fn();
    await this.jobs.recordPhase(job.id, phase, (performance.now() - started) / 1000);
    return result;
  }

  private async execute(job: IngestJobRow, main: Conn): Promise<void> {
    const t = jobTables(job.id);
    const { client } = main;
    const header = await readHeader(await this.uploads.read(job.id));
    const mapping = mapHeaders(job.mode, header.names, job.mapping ?? {});
    await this.jobs.update(job.id, {
      columns: {
        mapped: Object.fromEntries(mapping.used.map((u) => [u.header, u.field.field])),
        ignored: mapping.ignored,
      },
    });
    const resume = job.merged_through !== null;
    if (resume) await this.jobs.clearErrors(job.id);
    else await this.jobs.resetForRestart(job.id);
    await this.dropJobTables(client, job.id);

    // 1. copy
    const records = await this.timed(job, 'copy', async () => {
      await client.query(createStagingSql(t.stage, mapping));
      let lastReport = 0;
      const toCopy = new CsvToCopy({
        fieldCount: header.names.length,
        columns: mapping.used.map((u) => u.index),
        onProgress: (n) => {
          if (resume || Date.now() - lastReport < 1000) return;
          lastReport = Date.now();
          void this.jobs.update(job.id, { rows_processed: n }).catch(() => undefined);
        },
      });
      await pipeline(
        await this.uploads.read(job.id),
        toCopy,
        client.query(copyStreams.from(copySql(t.stage, mapping))),
      );
      return toCopy.records;
    });
    if (records === 0) throw new IngestFileError('the file has a header but no rows');

    // 2. validate and type
    const firstLoad =
      job.mode === 'products' && !resume && (await this.vendorHasNoProducts(client, job.vendor_id));
    const valid = await this.timed(job, 'validate', async () => {
      const typed = typedSql(t.stage, t.typed, job.vendor_id, mapping, this.config.ingest.parallelism);
      await client.query(typed.create);
      await this.parallel(typed.fill);
      await client.query(insertErrorsSql(t.stage, t.typed, job.id, mapping, job.mode === 'customers'));
      await client.query(dedupeSql(t.typed, job.id, mapping));
      await client.query(`DROP TABLE ${t.stage}`);
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${t.typed}`);
      if (!firstLoad) {
        // batches read line ranges, joined to the catalogue
        await client.query(`CREATE INDEX ON ${t.typed} (line_no)`);
        await client.query(`ANALYZE ${t.typed}`);
      }
      return Number(rows[0]!.n);
    });
    await this.jobs.update(job.id, {
      rows_total: records,
      rows_valid: valid,
      rows_failed: records - valid,
      ...(resume ? {} : { rows_processed: records - valid }),
    });

    // 3. merge (4. analyze, and completion)
    if (firstLoad) {
      await this.firstLoad(job, mapping, main, valid);
    } else {
      await this.mergeInBatches(job, mapping, main);
    }
    await this.dropJobTables(client, job.id);
  }

  private async vendorHasNoProducts(client: pg.PoolClient, vendorId: string): Promise<boolean> {
    const { rows } = await client.query(`SELECT 1 FROM products WHERE vendor_id = $1 LIMIT 1`, [vendorId]);
    return rows.length === 0;
  }

  private async mergeInBatches(job: IngestJobRow, mapping: ColumnMapping, main: Conn): Promise<void> {
    const t = jobTables(job.id);
    const { client, runner } = main;
    const batchSql =
      job.mode === 'products'
        ? productsBatchSql(t.typed, job.vendor_id, mapping)
        : customersBatchSql(t.typed, t.limits, job.vendor_id, mapping);
    await this.timed(job, 'merge', async () => {
      if (job.mode === 'customers') {
        const limits = customerLimitsSql(t.typed, t.limits, job.vendor_id, mapping);
        if (limits) await client.query(limits);
      }
      const { rows } = await client.query<{ max: string | null }>(
        `SELECT max(line_no) AS max FROM ${t.typed}`,
      );
      const last = Number(rows[0]!.max ?? 0);
      // a resumed job continues after the last batch its earlier run committed
      let from = Number(job.merged_through ?? 0) + 1;
      const step = this.config.ingest.batchRows;
      while (from <= last) {
        const to = from + step; // exclusive
        await runner.startTransaction();
        try {
          const r = await client.query<{ inserted: number; updated: number; total: number }>(batchSql, [
            from,
            to,
          ]);
          const { inserted, updated, total } = r.rows[0]!;
          await this.jobs.addBatch(runner.manager, job.id, to - 1, {
            inserted,
            updated,
            unchanged: total - inserted - updated,
          });
          await runner.commitTransaction();
        } catch (err) {
          await runner.rollbackTransaction().catch(() => undefined);
          throw err;
        }
        from = to;
      }
    });
    const after = (await this.jobs.findForWorker(job.id))!;
    if (Number(after.rows_inserted) + Number(after.rows_updated) > 0) {
      await this.timed(job, 'analyze', async () => {
        const parents = job.mode === 'products' ? ['products'] : customerTables(mapping);
        const leaves: string[] = [];
        for (const p of parents)
          leaves.push(...(await this.leaves(client, `${p}_${job.vendor_id.replace(/-/g, '')}`)));
        // VACUUM also flushes GIN pending lists and marks pages all-visible; it cannot run in a transaction
        await this.parallel(leaves.map((leaf) => `VACUUM (ANALYZE) ${leaf}`));
      });
    }
    await this.finish(job, runner);
  }

  /** First load: a new partition, loaded without indexes, indexed, analysed, swapped in. */
  private async firstLoad(
    job: IngestJobRow,
    mapping: ColumnMapping,
    main: Conn,
    valid: number,
  ): Promise<void> {
    const t = jobTables(job.id);
    const { client, runner } = main;
    const live = `products_${job.vendor_id.replace(/-/g, '')}`;
    const liveLeaves = await this.leaves(client, live);
    const modulus = liveLeaves.length || 16;
    const loadLeaves = Array.from({ length: modulus }, (_, r) => `${t.load}_p${r}`);
    const parts = this.config.ingest.parallelism;
    await this.timed(job, 'merge', async () => {
      await client.query(`DROP TABLE IF EXISTS ${t.load}`);
      await client.query(
        `CREATE TABLE ${t.load} (LIKE products INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS,
           CONSTRAINT ${t.load}_vendor CHECK (vendor_id = '${job.vendor_id}')) PARTITION BY HASH (id)`,
      );
      for (const [r, leaf] of loadLeaves.entries()) {
        await client.query(
          `CREATE TABLE ${leaf} PARTITION OF ${t.load} FOR VALUES WITH (MODULUS ${modulus}, REMAINDER ${r})`,
        );
        await client.query(
          `ALTER TABLE ${leaf} ALTER COLUMN search_tsv SET STATISTICS 10, ALTER COLUMN title_tsv SET STATISTICS 10`,
        );
      }
      await this.parallel(
        Array.from({ length: parts }, (_, part) =>
          productsLoadSql(t.typed, t.load, job.vendor_id, mapping, part, parts),
        ),
      );
      await this.jobs.update(job.id, { rows_processed: Number(job.rows_failed) + valid });
    });
    await this.timed(job, 'index', async () => {
      const { rows: defs } = await client.query<{ def: string; primary: boolean }>(
        `SELECT pg_get_indexdef(indexrelid) AS def, indisprimary AS primary FROM pg_index WHERE indrelid = 'products'::regclass`,
      );
      const statements: string[] = [];
      // explicit names: sessions choosing default names at once can pick the same one
      for (const [r, leaf] of loadLeaves.entries()) {
        for (const [k, d] of defs.entries()) {
          if (d.primary) statements.push(`ALTER TABLE ${leaf} ADD PRIMARY KEY (vendor_id, id)`);
          else
            statements.push(
              d.def.replace(
                /^CREATE (UNIQUE )?INDEX \S+ ON ONLY \S+ /,
                (_m, u: string | undefined) => `CREATE ${u ?? ''}INDEX ${live}_p${r}_ix${k} ON ${leaf} `,
              ),
            );
        }
      }
      await this.parallel(statements);
    });
    await this.timed(job, 'analyze', () => this.parallel(loadLeaves.map((leaf) => `ANALYZE ${leaf}`)));
    // the swap: the catalogue changes from empty to loaded in one transaction
    for (let attempt = 1; ; attempt++) {
      await runner.startTransaction();
      try {
        await client.query(`SET LOCAL lock_timeout = '5s'`);
        await client.query(`ALTER TABLE products DETACH PARTITION ${live}`);
        await client.query(
          `ALTER TABLE products ATTACH PARTITION ${t.load} FOR VALUES IN ('${job.vendor_id}')`,
        );
        // products written through the API while the file loaded: kept, and they win
        const cols = await this.writableColumns(client);
        await client.query(
          `INSERT INTO products (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM ${live}
           ON CONFLICT (vendor_id, id) DO UPDATE SET ${cols
             .filter((c) => c !== 'vendor_id' && c !== 'id')
             .map((c) => `${c} = EXCLUDED.${c}`)
             .join(', ')}`,
        );
        await client.query(`DROP TABLE ${live}`);
        await client.query(`ALTER TABLE ${t.load} RENAME TO ${live}`);
        for (const [r, leaf] of loadLeaves.entries())
          await client.query(`ALTER TABLE ${leaf} RENAME TO ${live}_p${r}`);
        await this.finishIn(runner, job, { inserted: valid });
        await runner.commitTransaction();
        break;
      } catch (err) {
        await runner.rollbackTransaction().catch(() => undefined);
        if ((err as { code?: string }).code === '55P03' && attempt < 12) continue; // lock_timeout: busy catalogue
        throw err;
      }
    }
  }

  private async finish(job: IngestJobRow, runner: QueryRunner): Promise<void> {
    await runner.startTransaction();
    try {
      await this.finishIn(runner, job);
      await runner.commitTransaction();
    } catch (err) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    }
  }

  /** Completes the job, its webhook and (customers) its audit entry, in the caller's transaction. */
  private async finishIn(
    runner: QueryRunner,
    job: IngestJobRow,
    counts?: { inserted: number },
  ): Promise<void> {
    const m = runner.manager;
    const done = await this.jobs.complete(m, job.id, counts);
    const view = jobView(done);
    await this.events.emit(m, asVendorId(job.vendor_id), 'ingestion.completed', {
      job_id: view.job_id,
      mode: view.mode,
      rows_total: view.rows_total,
      rows_inserted: view.rows_inserted,
      rows_updated: view.rows_updated,
      rows_unchanged: view.rows_unchanged,
      rows_failed: view.rows_failed,
    });
    if (job.mode === 'customers') {
      await this.audit.record(
        { id: job.created_by, role: 'ingest', vendorId: job.vendor_id, ip: null, userAgent: null },
        {
          action: 'customer.health_profiles.imported',
          entity: 'ingest_job',
          entityId: job.id,
          after: { inserted: view.rows_inserted, updated: view.rows_updated, unchanged: view.rows_unchanged },
        },
        m,
      );
    }
  }

  /** Drops the job's scratch tables (staging, typed, the load partition, the limits). */
  private async dropJobTables(client: pg.PoolClient, jobId: string): Promise<void> {
    const t = jobTables(jobId);
    await client.query(`DROP TABLE IF EXISTS ${t.stage}, ${t.typed}, ${t.load}, ${t.limits}`);
  }

  private async leaves(client: pg.PoolClient, parent: string): Promise<string[]> {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = to_regclass($1) ORDER BY c.relname`,
      [parent],
    );
    return rows.map((r) => r.name);
  }

  private async writableColumns(client: pg.PoolClient): Promise<string[]> {
    const { rows } = await client.query<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'products' AND is_generated = 'NEVER' ORDER BY ordinal_position`,
    );
    return rows.map((r) => r.name);
  }

  /** Runs statements on INGEST_PARALLELISM connections of their own (a shared work queue). */
  private async parallel(statements: string[]): Promise<void> {
    const queue = [...statements];
    const n = Math.min(this.config.ingest.parallelism, queue.length);
    const conns: Conn[] = [];
    try {
      for (let i = 0; i < n; i++) conns.push(await this.connect());
      const results = await Promise.allSettled(
        conns.map(async (c) => {
          try {
            for (let sql = queue.shift(); sql !== undefined; sql = queue.shift()) await c.client.query(sql);
          } catch (err) {
            queue.length = 0; // the others stop after their current statement
            throw err;
          }
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } finally {
      await Promise.all(conns.map((c) => this.release(c)));
    }
  }
}
