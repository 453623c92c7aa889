import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { AppConfig } from '#libs/config';
import { vendorPartition, type LoadPlan, type LoadTree } from '#libs/db';
import type { ColumnMapping } from '../fields.js';
import { IngestJobsRepository, type IngestJobRow } from '../ingest-jobs.repository.js';
import { BulkTargets, bulkJob, bulkSession } from './bulk-targets.js';
import { IngestConnections, type Conn } from './ingest-connections.js';
import { IngestJobLifecycle } from './job-lifecycle.js';

/** How often the swap waits for a busy table (lock_timeout 5 s each) or loses a deadlock before the job fails. */
const SWAP_ATTEMPTS = 12;

/**
 * Phase 3 for a vendor's first load of a mode (it has no products, or no customers): the trees
 * and fill statements its bulk target plans — new partition trees, loaded without indexes on INGEST_PARALLELISM connections, then indexed (every
 * index of the parent, built in parallel), analysed, and swapped in for the empty ones in one
 * transaction that also completes the job.
 */
@Injectable()
export class FirstLoadPhase {
  constructor(
    private readonly connections: IngestConnections,
    private readonly lifecycle: IngestJobLifecycle,
    private readonly jobs: IngestJobsRepository,
    private readonly targets: BulkTargets,
    private readonly config: AppConfig,
  ) {}

  async run(job: IngestJobRow, conn: Conn, mapping: ColumnMapping, valid: number): Promise<void> {
    const { client } = conn;
    const leaves = new Map<LoadTree, string[]>();
    let plan!: LoadPlan;
    await this.lifecycle.phase(job, 'merge', async () => {
      plan = await this.targets
        .of(job.mode)
        .firstLoad(bulkJob(job, mapping, this.config.ingest.parallelism), this.session(conn), valid);
      for (const tree of plan.trees) leaves.set(tree, await this.createLoadTree(client, job, tree));
      await this.connections.parallel(plan.fill);
      await this.jobs.update(job.id, { rows_processed: Number(job.rows_failed) + valid });
    });
    await this.lifecycle.phase(job, 'index', async () => {
      const statements: string[] = [];
      for (const tree of plan.trees)
        statements.push(...(await this.indexStatements(client, job, tree, leaves.get(tree)!)));
      await this.connections.parallel(statements);
    });
    // statistics targets as create_vendor_partitions sets them, then sampled
    await this.lifecycle.phase(job, 'analyze', () =>
      this.connections.parallel(
        [...leaves.values()].flat().map((leaf) => `SELECT set_leaf_statistics('${leaf}'); ANALYZE ${leaf}`),
      ),
    );
    await this.swap(job, conn, plan, leaves, valid);
  }

  private session(conn: Conn) {
    return bulkSession(conn, this.connections);
  }

  /** The job's load table for `tree`, partitioned like the vendor's live partition; returns its leaves. */
  private async createLoadTree(client: pg.PoolClient, job: IngestJobRow, tree: LoadTree): Promise<string[]> {
    const live = vendorPartition(tree.parent, job.vendor_id);
    const { rows } = await client.query<{ key: string; leaves: number }>(
      `SELECT pg_get_partkeydef($1::regclass) AS key,
              (SELECT count(*) FROM pg_inherits WHERE inhparent = $1::regclass)::int AS leaves`,
      [live],
    );
    const { key, leaves: modulus } = rows[0]!;
    await client.query(`DROP TABLE IF EXISTS ${tree.load}`);
    await client.query(
      `CREATE TABLE ${tree.load} (LIKE ${tree.parent} INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS,
         CONSTRAINT ${tree.load}_vendor CHECK (vendor_id = '${job.vendor_id}')) PARTITION BY ${key}`,
    );
    const leaves = Array.from({ length: modulus }, (_, r) => `${tree.load}_p${r}`);
    for (const [r, leaf] of leaves.entries()) {
      await client.query(
        `CREATE TABLE ${leaf} PARTITION OF ${tree.load} FOR VALUES WITH (MODULUS ${modulus}, REMAINDER ${r})${tree.leafOptions ?? ''}`,
      );
    }
    return leaves;
  }

  /** Every index the parent has, once per load leaf, named as the live leaf's will be after the swap. */
  private async indexStatements(
    client: pg.PoolClient,
    job: IngestJobRow,
    tree: LoadTree,
    leaves: string[],
  ): Promise<string[]> {
    const live = vendorPartition(tree.parent, job.vendor_id);
    const { rows: defs } = await client.query<{ def: string; constraint: string | null }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS def, pg_get_constraintdef(c.oid) AS constraint
         FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
        WHERE i.indrelid = $1::regclass`,
      [tree.parent],
    );
    const statements: string[] = [];
    // explicit names: sessions choosing default names at once can pick the same one
    for (const [r, leaf] of leaves.entries()) {
      for (const [k, d] of defs.entries()) {
        // a primary key is attached as one only if the leaf's is a constraint too
        if (d.constraint) statements.push(`ALTER TABLE ${leaf} ADD ${d.constraint}`);
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

  /** The vendor's partitions change from empty to loaded in one transaction, which also completes the job. */
  private async swap(
    job: IngestJobRow,
    conn: Conn,
    plan: LoadPlan,
    leaves: Map<LoadTree, string[]>,
    valid: number,
  ) {
    const { client } = conn;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.connections.inTransaction(conn, async () => {
          await client.query(`SET LOCAL lock_timeout = '5s'`);
          for (const tree of plan.trees) await this.swapTree(conn, job, tree, leaves.get(tree)!);
          await plan.onSwap?.(this.session(conn));
          await this.lifecycle.complete(conn.runner.manager, job, { inserted: valid });
        });
        return;
      } catch (err) {
        // lock_timeout (the table is busy) or a deadlock with an API write: try again
        const code = (err as { code?: string }).code;
        if ((code === '55P03' || code === '40P01') && attempt < SWAP_ATTEMPTS) continue;
        throw err;
      }
    }
  }

  private async swapTree(conn: Conn, job: IngestJobRow, tree: LoadTree, leaves: string[]): Promise<void> {
    const { client } = conn;
    const live = vendorPartition(tree.parent, job.vendor_id);
    await client.query(`ALTER TABLE ${tree.parent} DETACH PARTITION ${live}`);
    await client.query(
      `ALTER TABLE ${tree.parent} ATTACH PARTITION ${tree.load} FOR VALUES IN ('${job.vendor_id}')`,
    );
    // rows written through the API while the file loaded: kept, and they win
    const metadata = conn.runner.connection.getMetadata(tree.entity);
    const cols = metadata.columns.filter((c) => c.isInsert).map((c) => c.databaseName);
    const keys = metadata.primaryColumns.map((c) => c.databaseName);
    await client.query(
      `INSERT INTO ${tree.parent} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM ${live}
       ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${cols
         .filter((c) => !keys.includes(c))
         .map((c) => `${c} = EXCLUDED.${c}`)
         .join(', ')}`,
    );
    await client.query(`DROP TABLE ${live}`);
    await client.query(`ALTER TABLE ${tree.load} RENAME TO ${live}`);
    for (const [r, leaf] of leaves.entries())
      await client.query(`ALTER TABLE ${leaf} RENAME TO ${live}_p${r}`);
  }
}
