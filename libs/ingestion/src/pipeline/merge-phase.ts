import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { HealthImportService, type ImportSource } from '#libs/customers';
import type { ColumnMapping } from '../fields.js';
import { IngestJobsRepository, type IngestJobRow } from '../ingest-jobs.repository.js';
import { productsBatchSql, productsChangedSql } from '../merge-sql.js';
import { jobTables, targetColumns } from '../sql.js';
import { IngestConnections, vendorPartition, type Conn } from './ingest-connections.js';
import { IngestJobLifecycle } from './job-lifecycle.js';

type Counts = { inserted: number; updated: number; unchanged: number };

/** Rows written, as a share of the file's valid rows, above which a load re-analyses what it wrote. */
const ANALYZE_AFTER_SHARE = 0.2;

/**
 * Phase 3 (every load but a first one): the typed rows merged into the live tables in batches of
 * INGEST_BATCH_ROWS lines, each one transaction that also records its counts and the line it
 * reached, so a retried job resumes after the last committed batch. Products are merged here —
 * the lines that would change anything found first, in parallel, so the batches write only those;
 * customers and their health go through the customers lib's HealthImportService. Then the written
 * partitions are vacuumed (and analysed when more than ANALYZE_AFTER_SHARE of the rows changed),
 * and the job completes.
 */
@Injectable()
export class MergePhase {
  constructor(
    private readonly connections: IngestConnections,
    private readonly lifecycle: IngestJobLifecycle,
    private readonly jobs: IngestJobsRepository,
    private readonly health: HealthImportService,
    private readonly config: AppConfig,
  ) {}

  async run(job: IngestJobRow, conn: Conn, mapping: ColumnMapping): Promise<void> {
    const t = jobTables(job.id);
    const columns = targetColumns(mapping).map((c) => c.column);
    const source: ImportSource = { table: t.typed, limits: t.limits, columns };
    const mergeBatch = this.batchMerger(job, conn, mapping, source);
    await this.lifecycle.phase(job, 'merge', async () => {
      if (job.mode === 'customers') await this.health.prepare(conn.runner.manager, job.vendor_id, source);
      else await this.findChangedProducts(job, conn, mapping);
      const { rows } = await conn.client.query<{ max: string | null }>(
        job.mode === 'products'
          ? `SELECT greatest((SELECT max(line_no) FROM ${t.typed}), (SELECT max(line_no) FROM ${t.skipped})) AS max`
          : `SELECT max(line_no) AS max FROM ${t.typed}`,
      );
      const last = Number(rows[0]!.max ?? 0);
      // a resumed job continues after the last batch its earlier run committed
      for (
        let from = Number(job.merged_through ?? 0) + 1;
        from <= last;
        from += this.config.ingest.batchRows
      ) {
        const to = from + this.config.ingest.batchRows; // exclusive
        await this.connections.inTransaction(conn, async () => {
          const counts = await mergeBatch(from, to);
          await this.jobs.addBatch(conn.runner.manager, job.id, to - 1, counts);
        });
      }
    });
    const after = (await this.jobs.findForWorker(job.id))!;
    const written = Number(after.rows_inserted) + Number(after.rows_updated);
    if (written > 0) {
      // A small change (a price and stock refresh) keeps the statistics true enough: VACUUM alone
      // (it flushes GIN pending lists and prunes), and autovacuum re-analyses past its own threshold.
      const analyze = written > ANALYZE_AFTER_SHARE * Number(after.rows_valid ?? written);
      await this.lifecycle.phase(job, analyze ? 'analyze' : 'vacuum', async () => {
        const parents = job.mode === 'products' ? ['products'] : this.health.tablesWritten(columns);
        const leaves: string[] = [];
        for (const p of parents)
          leaves.push(...(await this.connections.leaves(conn.client, vendorPartition(p, job.vendor_id))));
        // VACUUM also flushes GIN pending lists and marks pages all-visible; it cannot run in a transaction
        await this.connections.parallel(leaves.map((leaf) => `VACUUM ${analyze ? '(ANALYZE) ' : ''}${leaf}`));
      });
    }
    await this.connections.inTransaction(conn, () => this.lifecycle.complete(conn.runner.manager, job));
  }

  /**
   * Which lines would change the catalogue, found on INGEST_PARALLELISM connections (the
   * comparison of every line with its product is most of a re-ingest's work, and read-only).
   * Recomputed on a resumed run: lines merged before are unchanged by then.
   */
  private async findChangedProducts(job: IngestJobRow, conn: Conn, mapping: ColumnMapping): Promise<void> {
    const t = jobTables(job.id);
    await conn.client.query(`DROP TABLE IF EXISTS ${t.changed}`);
    await conn.client.query(
      `CREATE UNLOGGED TABLE ${t.changed} (line_no bigint NOT NULL, existed boolean NOT NULL, same_text boolean NOT NULL)
         WITH (autovacuum_enabled = off)`,
    );
    const parts = this.config.ingest.parallelism;
    await this.connections.parallel(
      Array.from({ length: parts }, (_, part) =>
        productsChangedSql(t.typed, t.changed, job.vendor_id, mapping, part, parts),
      ),
    );
    await conn.client.query(`ALTER TABLE ${t.changed} ADD PRIMARY KEY (line_no)`);
    await conn.client.query(`ANALYZE ${t.changed}`);
  }

  /** Merges lines [from, to) in the current transaction; returns what changed. */
  private batchMerger(
    job: IngestJobRow,
    conn: Conn,
    mapping: ColumnMapping,
    source: ImportSource,
  ): (from: number, to: number) => Promise<Counts> {
    if (job.mode === 'customers') {
      const actor = {
        id: job.created_by,
        role: 'ingest',
        vendorId: job.vendor_id,
        ip: null,
        userAgent: null,
      };
      const reference = { entity: 'ingest_job', id: job.id };
      return (from, to) =>
        this.health.importBatch(
          conn.runner.manager,
          actor,
          { ...source, vendorId: job.vendor_id, reference },
          { from, to },
        );
    }
    const { changed, skipped } = jobTables(job.id);
    const sql = productsBatchSql(source.table, changed, skipped, job.vendor_id, mapping);
    return async (from, to) => {
      const r = await conn.client.query<{ inserted: number; updated: number; total: number }>(sql.upsert, [
        from,
        to,
      ]);
      const { inserted, total } = r.rows[0]!;
      let { updated } = r.rows[0]!;
      if (sql.update) {
        // a few thousand products by key: index lookups, never a hash of the whole catalogue
        await conn.client.query(`SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off`);
        updated += (await conn.client.query<{ updated: number }>(sql.update, [from, to])).rows[0]!.updated;
      }
      return { inserted, updated, unchanged: total - inserted - updated };
    };
  }
}
