import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { vendorPartition, type BulkCounts } from '#libs/db';
import type { ColumnMapping } from '../fields.js';
import { IngestJobsRepository, type IngestJobRow } from '../ingest-jobs.repository.js';
import { jobTables } from '../sql.js';
import { BulkTargets, bulkJob, bulkSession } from './bulk-targets.js';
import { IngestConnections, type Conn } from './ingest-connections.js';
import { IngestJobLifecycle } from './job-lifecycle.js';

/** A merge batch's lock (the job, the batch's first line), held until its transaction ends. */
const BATCH_LOCK = 'SELECT pg_advisory_xact_lock(hashtext($1), $2::int)';

/** Whether a promise fulfilled, once it has settled. */
const settled = (p: Promise<unknown>): Promise<boolean> =>
  p.then(
    () => true,
    () => false,
  );

/** Rows written, as a share of the file's valid rows, above which a load re-analyses what it wrote. */
const ANALYZE_AFTER_SHARE = 0.2;

/**
 * Phase 3 (every load but a first one): the typed rows merged into the live tables by the job's
 * bulk target (the catalogue's products, the customers lib's customers) in batches of
 * INGEST_BATCH_ROWS lines, each one transaction that also records its counts and the line it
 * reached, so a retried job resumes after the last committed batch — two batches at a time where
 * the target's batches are independent (products), committed in order. Then the written partitions
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
      const first = Number(job.merged_through ?? 0) + 1;
      const lanes = target.independentBatches ? Math.min(2, this.config.ingest.parallelism) : 1;
      await this.batches(job, conn, { first, last, lanes }, (c, lines) =>
        target.mergeBatch(bulk, bulkSession(c, this.connections), lines),
      );
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

  /**
   * Lines [first, last] in batches of INGEST_BATCH_ROWS, in order, `lanes` at a time (each lane a
   * connection; the job's own first): each batch one transaction that merges its lines, then waits
   * for the batch before it to commit, then records its counts and the line it reached — so
   * `merged_through` never passes a batch that could still roll back, and a failed batch rolls back
   * the ones after it.
   */
  private async batches(
    job: IngestJobRow,
    conn: Conn,
    { first, last, lanes }: { first: number; last: number; lanes: number },
    merge: (c: Conn, lines: { from: number; to: number }) => Promise<BulkCounts>,
  ): Promise<void> {
    const rows = this.config.ingest.batchRows;
    const extra: Conn[] = [];
    const all: Promise<void>[] = [];
    let error: unknown = null;
    try {
      for (let i = 1; i < lanes && first + i * rows <= last; i++)
        extra.push(await this.connections.connect());
      const conns = [conn, ...extra];
      const busy: Promise<unknown>[] = conns.map(() => Promise.resolve());
      let previous: { done: Promise<void>; locked: Promise<unknown>; from: number } | null = null;
      for (let k = 0, from = first; from <= last; k++, from += rows) {
        const lane = k % conns.length;
        // the lane's last batch has settled; after a failure nothing more starts
        if (!(await settled(busy[lane]!))) break;
        const c = conns[lane]!;
        const to = from + rows; // exclusive
        const before = previous;
        let markLocked = () => undefined as void;
        const locked = new Promise<void>((resolve) => (markLocked = resolve));
        const done = this.connections.inTransaction(c, async () => {
          await c.client.query(BATCH_LOCK, [job.id, from]);
          markLocked();
          const counts = await merge(c, { from, to });
          if (before) {
            // The batch before must commit first. The wait is for its lock, inside PostgreSQL, so a
            // cycle through it (another transaction holding a row it needs while waiting for one of
            // these) is a deadlock PostgreSQL sees and breaks, not a hang.
            await Promise.race([before.locked, settled(before.done)]);
            await c.client.query(BATCH_LOCK, [job.id, before.from]);
            await before.done;
          }
          await this.jobs.addBatch(c.runner.manager, job.id, to - 1, counts);
        });
        all.push(done);
        busy[lane] = done;
        previous = { done, locked, from };
      }
    } catch (err) {
      error = err;
    }
    const results = await Promise.allSettled(all);
    await Promise.all(extra.map((c) => this.connections.release(c)));
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (error !== null) throw error;
    if (rejected) throw rejected.reason;
  }
}
