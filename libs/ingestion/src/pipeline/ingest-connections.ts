import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { QueryRunner } from 'typeorm';
import { AppConfig } from '#libs/config';
import { SchemaOwnerDb } from '#libs/db';
import { jobTables } from '../sql.js';

// Index builds run on INGEST_PARALLELISM connections at once: without PostgreSQL's own parallel
// workers per build (measured: 2 connections × no workers build in 60 % of the time 1 × 2 take).
// client_connection_check_interval: a statement of a worker that died stops within seconds (and
// releases the job's advisory lock) instead of running to its end.
const SESSION = `SET statement_timeout = 0; SET lock_timeout = 0; SET work_mem = '256MB';
  SET maintenance_work_mem = '512MB'; SET max_parallel_maintenance_workers = 0; SET synchronous_commit = off;
  SET client_connection_check_interval = '5s'`;

/** A pipeline connection: the TypeORM runner (transactions, EntityManager) and its pg client (COPY). */
export type Conn = { runner: QueryRunner; client: pg.PoolClient };

/**
 * The pipeline's database sessions, as the schema owner (it creates, swaps and vacuums
 * partitions), with bulk settings; statements fanned out over INGEST_PARALLELISM of them; the
 * catalogue lookups the phases share.
 */
@Injectable()
export class IngestConnections {
  constructor(
    private readonly schemaOwner: SchemaOwnerDb,
    private readonly config: AppConfig,
  ) {}

  async connect(): Promise<Conn> {
    const runner = (await this.schemaOwner.dataSource()).createQueryRunner();
    const client = (await runner.connect()) as pg.PoolClient;
    await client.query(SESSION);
    return { runner, client };
  }

  async release(c: Conn): Promise<void> {
    await c.client.query('RESET ALL; SELECT pg_advisory_unlock_all()').catch(() => undefined);
    await c.runner.release();
  }

  /** Runs `fn` in a transaction on the connection: committed when it returns, rolled back when it throws. */
  async inTransaction<T>(c: Conn, fn: () => Promise<T>): Promise<T> {
    await c.runner.startTransaction();
    try {
      const result = await fn();
      await c.runner.commitTransaction();
      return result;
    } catch (err) {
      await c.runner.rollbackTransaction().catch(() => undefined);
      throw err;
    }
  }

  /** Runs statements on INGEST_PARALLELISM connections of their own (a shared work queue). */
  async parallel(statements: string[]): Promise<void> {
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

  /** Drops the job's scratch tables (staging, typed, the load partitions, the limits, changed and skipped lines). */
  async dropJobTables(client: pg.PoolClient, jobId: string): Promise<void> {
    const t = jobTables(jobId);
    await client.query(
      `DROP TABLE IF EXISTS ${t.stage}, ${t.typed}, ${t.load}, ${t.loadHealth}, ${t.limits}, ${t.changed}, ${t.skipped}`,
    );
  }

  /** The leaf partitions under `parent`, by name. */
  async leaves(client: pg.PoolClient, parent: string): Promise<string[]> {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = to_regclass($1) ORDER BY c.relname`,
      [parent],
    );
    return rows.map((r) => r.name);
  }

  /** The planner's row count of a partition tree (its leaves' last ANALYZE or VACUUM; 0 if never). */
  async rowEstimate(client: pg.PoolClient, tree: string): Promise<number> {
    const { rows } = await client.query<{ n: number }>(
      `SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::float8 AS n FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1)`,
      [tree],
    );
    return rows[0]!.n;
  }

  /** Whether the vendor has no row in any of `tables` (a first load of what they hold). */
  async vendorHasNoRows(client: pg.PoolClient, vendorId: string, tables: string[]): Promise<boolean> {
    const { rows } = await client.query(
      tables.map((t) => `(SELECT 1 FROM ${t} WHERE vendor_id = $1 LIMIT 1)`).join(' UNION ALL '),
      [vendorId],
    );
    return rows.length === 0;
  }
}

/** The per-vendor partition of a partitioned table (`products` → `products_<vendor hex>`). */
