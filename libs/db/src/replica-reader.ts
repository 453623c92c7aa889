import { Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { PlannedStatements, acquireForPlanned } from './planned-statements.js';

/** What a read runs on (the typed helpers take it): the primary's pool, or one replica connection. */
export type ReadConnection = DataSource | QueryRunner;

/** One connection for reads that can also run statements whose plans are kept (planned-statements.ts). */
export interface PlannedReadConnection {
  /** The connection, for the typed helpers. */
  db: QueryRunner;
  planned<R>(name: string, text: string, values: unknown[]): Promise<R[]>;
}

export interface ReadSource {
  /** True when the rows came from a streaming replica. */
  replica: boolean;
  /** How far the replica's replay is behind what it has received (0 on the primary). */
  lagMs: number;
}

/** How fresh a read is, as every replica-served response reports it. */
export interface ReadFreshness {
  freshness: 'fresh' | 'stale';
  replica_lag_ms: number;
  source: 'replica' | 'primary';
}

/** The response fields of a read from `source`: stale past `staleAfterMs` of replica lag. */
export function freshnessOf(source: ReadSource, staleAfterMs: number): ReadFreshness {
  return {
    freshness: source.replica && source.lagMs > staleAfterMs ? 'stale' : 'fresh',
    replica_lag_ms: source.lagMs,
    source: source.replica ? 'replica' : 'primary',
  };
}

/**
 * Runs read-only work on a streaming replica when DATABASE_REPLICA_URLS is set (TypeORM picks
 * one), measuring that replica's lag on the same connection; on the primary otherwise. A replica
 * that cannot be reached falls back to the primary rather than failing the request. Search,
 * vendor compare, category benchmarks and catalogue analytics read through it.
 */
@Injectable()
export class ReplicaReader {
  private readonly logger = new Logger(ReplicaReader.name);

  constructor(private readonly db: DataSource) {}

  private get replicated(): boolean {
    return (this.db.options as { replication?: unknown }).replication !== undefined;
  }

  async read<T>(work: (run: ReadConnection) => Promise<T>): Promise<{ result: T; source: ReadSource }> {
    if (!this.replicated) {
      return { result: await work(this.db), source: { replica: false, lagMs: 0 } };
    }
    return this.onOneConnection((runner) => work(runner));
  }

  /**
   * As read(), on one connection (a replica's when there are replicas), which also runs named
   * statements whose plans PostgreSQL keeps: `planned(name, text, values)`. For statements that
   * name their vendor as a literal (see planned-statements.ts).
   */
  async readPlanned<T>(
    work: (run: PlannedReadConnection) => Promise<T>,
  ): Promise<{ result: T; source: ReadSource }> {
    // the runner takes its connection in the planned read's context, so the pool leaves a session
    // at plan_cache_mode=auto as it is
    return acquireForPlanned(() =>
      this.onOneConnection(async (runner) => {
        const statements = new PlannedStatements((await runner.connect()) as pg.PoolClient);
        return work({ db: runner, planned: (name, text, values) => statements.run(name, text, values) });
      }),
    );
  }

  /** Runs `work` on one connection: a replica's when there are replicas (and one answers), else the primary's. */
  private async onOneConnection<T>(
    work: (runner: QueryRunner) => Promise<T>,
  ): Promise<{ result: T; source: ReadSource }> {
    let runner: QueryRunner | null = null;
    if (this.replicated) {
      runner = this.db.createQueryRunner('slave');
      try {
        await runner.connect();
      } catch (err) {
        this.logger.warn({ msg: 'replica unreachable, reading from the primary', err: String(err) });
        await runner.release().catch(() => undefined);
        runner = null;
      }
    }
    if (!runner) {
      const primary = this.db.createQueryRunner('master');
      try {
        return { result: await work(primary), source: { replica: false, lagMs: 0 } };
      } finally {
        await primary.release();
      }
    }
    try {
      const [lag] = (await runner.query(
        `SELECT pg_is_in_recovery() AS replica,
                CASE WHEN NOT pg_is_in_recovery() THEN 0
                     WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
                     ELSE greatest(0, extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)
                END::float8 AS lag_ms`,
      )) as { replica: boolean; lag_ms: number | null }[];
      const result = await work(runner);
      return { result, source: { replica: lag?.replica ?? false, lagMs: Math.round(lag?.lag_ms ?? 0) } };
    } finally {
      await runner.release();
    }
  }
}
