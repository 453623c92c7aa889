import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import type { ColumnMapping } from '../fields.js';
import type { IngestJobRow } from '../ingest-jobs.repository.js';
import { dedupeSql, insertErrorsSql, jobTables, typedSql } from '../sql.js';
import { BulkTargets, bulkJob, bulkSession } from './bulk-targets.js';
import { IngestConnections, type Conn } from './ingest-connections.js';

/**
 * Phase 2: on a re-ingest into a target that keeps digests, the lines whose rows still carry them
 * (marked by the copy, or found by their digests) set aside first (`skipped`: unchanged, nothing
 * to check or write); the rest of the staged text validated and cast in SQL into the typed table
 * (on INGEST_PARALLELISM connections), rejected values into ingest_errors, duplicate keys resolved
 * (last line wins, skipped lines included).
 * Returns the number of valid rows (typed and skipped).
 */
@Injectable()
export class ValidatePhase {
  constructor(
    private readonly connections: IngestConnections,
    private readonly targets: BulkTargets,
    private readonly config: AppConfig,
  ) {}

  async run(
    job: IngestJobRow,
    conn: Conn,
    mapping: ColumnMapping,
    { firstLoad, records, marked }: { firstLoad: boolean; records: number; marked: boolean },
  ): Promise<number> {
    const { client } = conn;
    const t = jobTables(job.id);
    const parts = this.config.ingest.parallelism;
    const target = this.targets.of(job.mode);
    const skipping = target.setAsideUnchanged !== undefined && !firstLoad;
    if (skipping)
      await target.setAsideUnchanged!(
        bulkJob(job, mapping, parts),
        bulkSession(conn, this.connections),
        records,
        marked,
      );
    const typed = typedSql(t.stage, t.typed, job.vendor_id, mapping, parts, target.digests);
    await client.query(typed.create);
    await this.connections.parallel(typed.fill);
    await client.query(insertErrorsSql(t.stage, t.typed, job.id, mapping, target.withholdValues));
    await client.query(dedupeSql(t.typed, job.id, mapping, skipping ? t.skipped : undefined));
    await client.query(`DROP TABLE ${t.stage}`);
    const { rows } = await client.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM ${t.typed})${skipping ? ` + (SELECT count(*) FROM ${t.skipped})` : ''} AS n`,
    );
    if (skipping) await client.query(`CREATE INDEX ON ${t.skipped} (line_no)`);
    if (!firstLoad) {
      // batches read line ranges, joined to the live tables
      await client.query(`CREATE INDEX ON ${t.typed} (line_no)`);
      // VACUUM sets the visibility map, so each batch counts its lines from the index alone; the
      // statistics are the columns the target's batches are planned on (a fifth of a full
      // ANALYZE's time for products), or all of them
      const keys = target.batchStatistics ? ` (${target.batchStatistics.join(', ')})` : '';
      await client.query(`VACUUM (ANALYZE) ${t.typed}${keys}`);
    }
    return Number(rows[0]!.n);
  }
}
