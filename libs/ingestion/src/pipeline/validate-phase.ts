import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import type { ColumnMapping } from '../fields.js';
import type { IngestJobRow } from '../ingest-jobs.repository.js';
import {
  dedupeSql,
  insertErrorsSql,
  insertWarningsSql,
  jobTables,
  skipStrategy,
  skipUnchangedSql,
  typedSql,
} from '../sql.js';
import { IngestConnections, vendorPartition, type Conn } from './ingest-connections.js';

/**
 * Phase 2: on a products re-ingest, the lines whose product still carries their digest set aside
 * first (`skipped`: unchanged, nothing to check or write); the rest of the staged text validated
 * and cast in SQL into the typed table (on INGEST_PARALLELISM connections), rejected values into
 * ingest_errors, duplicate keys resolved (last line wins, skipped lines included). Returns the
 * number of valid rows (typed and skipped).
 */
@Injectable()
export class ValidatePhase {
  constructor(
    private readonly connections: IngestConnections,
    private readonly config: AppConfig,
  ) {}

  async run(
    job: IngestJobRow,
    { client }: Conn,
    mapping: ColumnMapping,
    firstLoad: boolean,
    records: number,
  ): Promise<number> {
    const t = jobTables(job.id);
    const parts = this.config.ingest.parallelism;
    const products = job.mode === 'products';
    const skipping = products && !firstLoad;
    await client.query(insertWarningsSql(t.stage, job.id));
    if (skipping) {
      await client.query(
        `CREATE UNLOGGED TABLE ${t.skipped} (line_no bigint NOT NULL, id uuid NOT NULL, external_id text NOT NULL)
           WITH (autovacuum_enabled = off)`,
      );
      const catalogue = await this.connections.rowEstimate(
        client,
        vendorPartition('products', job.vendor_id),
      );
      const strategy = skipStrategy(records, catalogue);
      await this.connections.parallel(
        Array.from({ length: parts }, (_, part) =>
          skipUnchangedSql(t.stage, t.skipped, job.vendor_id, mapping, part, parts, strategy),
        ),
      );
    }
    const typed = typedSql(t.stage, t.typed, job.vendor_id, mapping, parts, products);
    await client.query(typed.create);
    await this.connections.parallel(typed.fill);
    await client.query(insertErrorsSql(t.stage, t.typed, job.id, mapping, job.mode === 'customers'));
    await client.query(dedupeSql(t.typed, job.id, mapping, skipping ? t.skipped : undefined));
    await client.query(`DROP TABLE ${t.stage}`);
    const { rows } = await client.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM ${t.typed})${skipping ? ` + (SELECT count(*) FROM ${t.skipped})` : ''} AS n`,
    );
    if (skipping) await client.query(`CREATE INDEX ON ${t.skipped} (line_no)`);
    if (!firstLoad) {
      // batches read line ranges, joined to the catalogue
      await client.query(`CREATE INDEX ON ${t.typed} (line_no)`);
      // VACUUM sets the visibility map, so each batch counts its lines from the index alone. The
      // products merge plans only on the keys (a fifth of a full ANALYZE's time); the customers
      // import also groups by conditions, so it gets every column's statistics.
      const keys = job.mode === 'products' ? ' (line_no, id)' : '';
      await client.query(`VACUUM (ANALYZE) ${t.typed}${keys}`);
    }
    return Number(rows[0]!.n);
  }
}
