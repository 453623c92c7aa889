import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { vendorPartition } from '#libs/db';
import type { ColumnMapping } from '../fields.js';
import { IngestJobsRepository, type IngestJobRow } from '../ingest-jobs.repository.js';
import { jobTables } from '../sql.js';
import { BulkTargets, bulkJob, bulkSession } from './bulk-targets.js';
import { IngestConnections, type Conn } from './ingest-connections.js';
import { IngestJobLifecycle } from './job-lifecycle.js';

/** Rows written, as a share of the file's valid rows, above which a load re-analyses what it wrote. */
const ANALYZE_AFTER_SHARE = 0.2;

/**
 * Phase 3 (every load but a first one): the typed rows merged into the live tables by the job's
 * bulk target (the catalogue's products, the customers lib's customers) in batches of
 * INGEST_BATCH_ROWS lines, each one transaction that also records its counts and the line it
 * reached, so a retried job resumes after the last committed batch. Then the written partitions
 * are vacuumed (and analysed when more than ANALYZE_AFTER_SHARE of the rows changed), and the job
 * completes.
 */
@Injectable()
export class MergePhase {
  constructor(
    private readonly connections: IngestConnections,
    private readonly lifecycle: IngestJobLifecycle,
    private readonly jobs: IngestJobsRepository,
    private readonly targets: BulkTargets,
    private readonly config: AppConfig,
  ) {}

  async run(job: IngestJobRow, conn: Conn, mapping: ColumnMapping): Promise<void> {
    const t = jobTables(job.id);
    const target = this.targets.of(job.mode);
    const bulk = bulkJob(job, mapping, this.config.ingest.parallelism);
    const session = bulkSession(conn, this.connections);
    await this.lifecycle.phase(job, 'merge', async () => {
      await target.prepareMerge(bulk, session);
      // lines set aside as unchanged count in their batch too
      const { rows } = await conn.client.query<{ max: string | null }>(
        target.setAsideUnchanged
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
          const counts = await target.mergeBatch(bulk, session, { from, to });
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
        const leaves: string[] = [];
        for (const p of target.parents(bulk.columns))
          leaves.push(...(await this.connections.leaves(conn.client, vendorPartition(p, job.vendor_id))));
        // VACUUM also flushes GIN pending lists and marks pages all-visible; it cannot run in a transaction
        await this.connections.parallel(leaves.map((leaf) => `VACUUM ${analyze ? '(ANALYZE) ' : ''}${leaf}`));
      });
    }
    await this.connections.inTransaction(conn, () => this.lifecycle.complete(conn.runner.manager, job));
  }
}
