import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { HealthImportService, type ImportSource } from '#libs/customers';
import type { ColumnMapping } from '../fields.js';
import { IngestJobsRepository, type IngestJobRow } from '../ingest-jobs.repository.js';
import { productsBatchSql } from '../merge-sql.js';
import { jobTables, targetColumns } from '../sql.js';
import { IngestConnections, vendorPartition, type Conn } from './ingest-connections.js';
import { IngestJobLifecycle } from './job-lifecycle.js';

type Counts = { inserted: number; updated: number; unchanged: number };

/**
 * Phase 3 (every load but a first one): the typed rows merged into the live tables in batches of
 * INGEST_BATCH_ROWS lines, each one transaction that also records its counts and the line it
 * reached, so a retried job resumes after the last committed batch. Products are merged here;
 * customers and their health go through the customers lib's HealthImportService. Then the
 * written partitions are vacuumed and analysed, and the job completes.
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
      const { rows } = await conn.client.query<{ max: string | null }>(
        `SELECT max(line_no) AS max FROM ${t.typed}`,
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
    if (Number(after.rows_inserted) + Number(after.rows_updated) > 0) {
      await this.lifecycle.phase(job, 'analyze', async () => {
        const parents = job.mode === 'products' ? ['products'] : this.health.tablesWritten(columns);
        const leaves: string[] = [];
        for (const p of parents)
          leaves.push(...(await this.connections.leaves(conn.client, vendorPartition(p, job.vendor_id))));
        // VACUUM also flushes GIN pending lists and marks pages all-visible; it cannot run in a transaction
        await this.connections.parallel(leaves.map((leaf) => `VACUUM (ANALYZE) ${leaf}`));
      });
    }
    await this.connections.inTransaction(conn, () => this.lifecycle.complete(conn.runner.manager, job));
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
    const sql = productsBatchSql(source.table, job.vendor_id, mapping);
    return async (from, to) => {
      const r = await conn.client.query<{ inserted: number; updated: number; total: number }>(sql, [
        from,
        to,
      ]);
      const { inserted, updated, total } = r.rows[0]!;
      return { inserted, updated, unchanged: total - inserted - updated };
    };
  }
}
