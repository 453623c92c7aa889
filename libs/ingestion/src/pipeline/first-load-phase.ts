import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { AppConfig } from '#libs/config';
import { HealthImportService, type VendorImport } from '#libs/customers';
import { Customer, CustomerHealth } from '#libs/customers';
import { Product } from '#libs/catalogue';
import type { ColumnMapping } from '../fields.js';
import { IngestJobsRepository, type IngestJobRow } from '../ingest-jobs.repository.js';
import { productsLoadSql } from '../merge-sql.js';
import { jobTables, targetColumns } from '../sql.js';
import { IngestConnections, vendorPartition, type Conn } from './ingest-connections.js';
import { IngestJobLifecycle } from './job-lifecycle.js';

/**
 * Room left on each page of a loaded catalogue for the next version of its rows: a re-ingest that
 * changes prices or stock then updates in place (HOT: no index touched), see productsBatchSql.
 * The same as create_vendor_partitions gives (migration 1795221100000; test/integration/migrations.spec.ts
 * compares them).
 */
export const PRODUCT_FILLFACTOR = 85;

/** How often the swap waits for a busy table (lock_timeout 5 s each) or loses a deadlock before the job fails. */
const SWAP_ATTEMPTS = 12;

/** A partitioned table a first load fills: the vendor's (empty) partition of it is replaced by a loaded one. */
interface LoadTree {
  /** The partitioned table (`products`, `customers`, `customer_health`). */
  parent: string;
  /** Its entity: the columns the swap copies over from rows written while the file loaded. */
  entity: EntityTarget<ObjectLiteral>;
  /** The job's scratch table the rows are loaded into. */
  load: string;
  /**
   * Storage options for each new leaf, as create_vendor_partitions gives them (migration
   * 1795221100000; the migrations and ingestion tests compare them). Statistics targets come from
   * set_leaf_statistics once the leaf's indexes exist (migration 1795221500000).
   */
  leafOptions?: string;
}

/** What a first load of one mode writes: its trees, the statements filling them, and what completes with the swap. */
interface LoadPlan {
  trees: LoadTree[];
  fill: string[];
  onSwap?: (conn: Conn) => Promise<void>;
}

/**
 * Phase 3 for a vendor's first load of a mode (it has no products, or no customers): new
 * partition trees, loaded without indexes on INGEST_PARALLELISM connections, then indexed (every
 * index of the parent, built in parallel), analysed, and swapped in for the empty ones in one
 * transaction that also completes the job.
 */
@Injectable()
export class FirstLoadPhase {
  constructor(
    private readonly connections: IngestConnections,
    private readonly lifecycle: IngestJobLifecycle,
    private readonly jobs: IngestJobsRepository,
    private readonly health: HealthImportService,
    private readonly config: AppConfig,
  ) {}

  async run(job: IngestJobRow, conn: Conn, mapping: ColumnMapping, valid: number): Promise<void> {
    const { client } = conn;
    const leaves = new Map<LoadTree, string[]>();
    let plan!: LoadPlan;
    await this.lifecycle.phase(job, 'merge', async () => {
      plan = await this.plan(job, conn, mapping, valid);
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

  private async plan(
    job: IngestJobRow,
    conn: Conn,
    mapping: ColumnMapping,
    valid: number,
  ): Promise<LoadPlan> {
    const t = jobTables(job.id);
    const parts = this.config.ingest.parallelism;
    if (job.mode === 'products') {
      return {
        trees: [
          {
            parent: 'products',
            entity: Product,
            load: t.load,
            leafOptions: ` WITH (fillfactor = ${PRODUCT_FILLFACTOR})`,
          },
        ],
        fill: Array.from({ length: parts }, (_, part) =>
          productsLoadSql(t.typed, t.load, job.vendor_id, mapping, part, parts),
        ),
      };
    }
    const columns = targetColumns(mapping).map((c) => c.column);
    const source: VendorImport = {
      table: t.typed,
      limits: t.limits,
      columns,
      vendorId: job.vendor_id,
      reference: { entity: 'ingest_job', id: job.id },
    };
    const withHealth = this.health.tablesWritten(columns).includes('customer_health');
    await this.health.prepare(conn.runner.manager, job.vendor_id, source);
    const trees: LoadTree[] = [{ parent: 'customers', entity: Customer, load: t.load }];
    if (withHealth) trees.push({ parent: 'customer_health', entity: CustomerHealth, load: t.loadHealth });
    const actor = { id: job.created_by, role: 'ingest', vendorId: job.vendor_id, ip: null, userAgent: null };
    return {
      trees,
      fill: this.health.firstLoadStatements(
        source,
        { customers: t.load, health: withHealth ? t.loadHealth : undefined },
        parts,
      ),
      onSwap: async (c) => {
        const { rows } = await c.client.query<{ max: string }>(`SELECT max(line_no) AS max FROM ${t.typed}`);
        const lines = { from: 1, to: Number(rows[0]!.max) + 1 };
        await this.health.recordFirstLoad(c.runner.manager, actor, source, lines, valid);
      },
    };
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
          await plan.onSwap?.(conn);
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
