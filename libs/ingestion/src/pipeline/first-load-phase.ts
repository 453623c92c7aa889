import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { AppConfig } from '#libs/config';
import { Product } from '#libs/db';
import type { ColumnMapping } from '../fields.js';
import { IngestJobsRepository, type IngestJobRow } from '../ingest-jobs.repository.js';
import { productsLoadSql } from '../merge-sql.js';
import { jobTables } from '../sql.js';
import { IngestConnections, vendorPartition, type Conn } from './ingest-connections.js';
import { IngestJobLifecycle } from './job-lifecycle.js';

/**
 * Room left on each page of a loaded catalogue for the next version of its rows: a re-ingest that
 * changes prices or stock then updates in place (HOT: no index touched), see productsBatchSql.
 * The same as create_vendor_partitions gives (migration 1795221100000; test/integration/migrations.spec.ts
 * compares them).
 */
export const PRODUCT_FILLFACTOR = 85;

/** How often the swap waits for a busy catalogue (lock_timeout 5 s each) before the job fails. */
const SWAP_ATTEMPTS = 12;

/**
 * Phase 3 for a vendor's first product load: a new partition tree, loaded without indexes on
 * INGEST_PARALLELISM connections, then indexed (every index of `products`, built in parallel),
 * analysed, and swapped in for the empty one in one transaction that also completes the job.
 */
@Injectable()
export class FirstLoadPhase {
  constructor(
    private readonly connections: IngestConnections,
    private readonly lifecycle: IngestJobLifecycle,
    private readonly jobs: IngestJobsRepository,
    private readonly config: AppConfig,
  ) {}

  async run(job: IngestJobRow, conn: Conn, mapping: ColumnMapping, valid: number): Promise<void> {
    const { client } = conn;
    const t = jobTables(job.id);
    const live = vendorPartition('products', job.vendor_id);
    const modulus = (await this.connections.leaves(client, live)).length || 16;
    const loadLeaves = Array.from({ length: modulus }, (_, r) => `${t.load}_p${r}`);
    await this.lifecycle.phase(job, 'merge', async () => {
      await this.createLoadTree(client, job, t.load, loadLeaves);
      const parts = this.config.ingest.parallelism;
      await this.connections.parallel(
        Array.from({ length: parts }, (_, part) =>
          productsLoadSql(t.typed, t.load, job.vendor_id, mapping, part, parts),
        ),
      );
      await this.jobs.update(job.id, { rows_processed: Number(job.rows_failed) + valid });
    });
    await this.lifecycle.phase(job, 'index', async () =>
      this.connections.parallel(await this.indexStatements(client, live, loadLeaves)),
    );
    await this.lifecycle.phase(job, 'analyze', () =>
      this.connections.parallel(loadLeaves.map((leaf) => `ANALYZE ${leaf}`)),
    );
    await this.swap(job, conn, live, t.load, loadLeaves, valid);
  }

  private async createLoadTree(client: pg.PoolClient, job: IngestJobRow, load: string, leaves: string[]) {
    await client.query(`DROP TABLE IF EXISTS ${load}`);
    await client.query(
      `CREATE TABLE ${load} (LIKE products INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS,
         CONSTRAINT ${load}_vendor CHECK (vendor_id = '${job.vendor_id}')) PARTITION BY HASH (id)`,
    );
    for (const [r, leaf] of leaves.entries()) {
      await client.query(
        `CREATE TABLE ${leaf} PARTITION OF ${load} FOR VALUES WITH (MODULUS ${leaves.length}, REMAINDER ${r})
           WITH (fillfactor = ${PRODUCT_FILLFACTOR})`,
      );
      await client.query(
        `ALTER TABLE ${leaf} ALTER COLUMN search_tsv SET STATISTICS 10, ALTER COLUMN title_tsv SET STATISTICS 10`,
      );
    }
  }

  /** Every index `products` has, once per load leaf, named as the live leaf's will be after the swap. */
  private async indexStatements(client: pg.PoolClient, live: string, leaves: string[]): Promise<string[]> {
    const { rows: defs } = await client.query<{ def: string; primary: boolean }>(
      `SELECT pg_get_indexdef(indexrelid) AS def, indisprimary AS primary FROM pg_index WHERE indrelid = 'products'::regclass`,
    );
    const statements: string[] = [];
    // explicit names: sessions choosing default names at once can pick the same one
    for (const [r, leaf] of leaves.entries()) {
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
    return statements;
  }

  /** The catalogue changes from empty to loaded in one transaction, which also completes the job. */
  private async swap(
    job: IngestJobRow,
    conn: Conn,
    live: string,
    load: string,
    leaves: string[],
    valid: number,
  ) {
    const { client } = conn;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.connections.inTransaction(conn, async () => {
          await client.query(`SET LOCAL lock_timeout = '5s'`);
          await client.query(`ALTER TABLE products DETACH PARTITION ${live}`);
          await client.query(
            `ALTER TABLE products ATTACH PARTITION ${load} FOR VALUES IN ('${job.vendor_id}')`,
          );
          // products written through the API while the file loaded: kept, and they win
          const cols = conn.runner.connection
            .getMetadata(Product)
            .columns.filter((c) => c.isInsert)
            .map((c) => c.databaseName);
          await client.query(
            `INSERT INTO products (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM ${live}
             ON CONFLICT (vendor_id, id) DO UPDATE SET ${cols
               .filter((c) => c !== 'vendor_id' && c !== 'id')
               .map((c) => `${c} = EXCLUDED.${c}`)
               .join(', ')}`,
          );
          await client.query(`DROP TABLE ${live}`);
          await client.query(`ALTER TABLE ${load} RENAME TO ${live}`);
          for (const [r, leaf] of leaves.entries())
            await client.query(`ALTER TABLE ${leaf} RENAME TO ${live}_p${r}`);
          await this.lifecycle.complete(conn.runner.manager, job, { inserted: valid });
        });
        return;
      } catch (err) {
        // lock_timeout: the catalogue is busy; try again
        if ((err as { code?: string }).code === '55P03' && attempt < SWAP_ATTEMPTS) continue;
        throw err;
      }
    }
  }
}
