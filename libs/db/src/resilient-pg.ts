import pg from 'pg';
import type { Gauge } from 'prom-client';
import { counter, gauge } from '#libs/metrics';

export interface TrackedPool {
  label: string;
  pool: pg.Pool;
}

const tracked = new Set<TrackedPool>();

/** Every live pool created through resilientPool(), driverFor() or trackPool(): what the pool gauges read. */
export function trackedPools(): readonly TrackedPool[] {
  return [...tracked];
}

/** Records a pool for the pool gauges (pg-boss's, our own through resilientPool); untracked when it ends. */
export function trackPool(label: string, pool: pg.Pool): void {
  const entry = { label, pool };
  tracked.add(entry);
  const end = pool.end.bind(pool) as (...args: unknown[]) => unknown;
  // pg's end() has a promise form and a callback form (TypeORM passes a callback)
  pool.end = ((...args: unknown[]) => {
    tracked.delete(entry);
    return end(...args);
  }) as pg.Pool['end'];
}

const connectionErrors = counter(
  'db_connection_errors_total',
  'Connections lost by this process (server restart or shutdown, network), by pool',
  ['pool'],
);

/**
 * A pg.Client that can never take its process down. node-postgres emits `error` on a client whose
 * server goes away (`57P01` on a fast shutdown, a reset socket); an `error` event with no
 * listener is thrown by Node. pg-pool listens only while a client is idle, and a library holding a
 * client between statements (a pool being ended, a LISTEN connection, a checked-out client while
 * the process drains) may have none at that moment — which is how Ctrl-C under `npm start` ended
 * in `Unhandled 'error' event`. This listener is always there: it counts the loss; the statements
 * in flight still fail with the error, the pool still discards the client, and the next
 * acquisition opens a new connection once the server is back.
 */
export function resilientClientClass(pool: string): typeof pg.Client {
  return class ResilientClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      this.on('error', () => connectionErrors.inc({ pool }));
    }
  };
}

/**
 * A pool of resilient clients, recorded for the pool gauges. Its own `error` event (an idle
 * client lost) is counted by the client; the pool replaces the client on the next acquisition.
 */
export function resilientPool(pool: string, config: pg.PoolConfig): pg.Pool {
  const created = new pg.Pool({ ...config, Client: resilientClientClass(pool) });
  created.on('error', () => undefined);
  trackPool(pool, created);
  return created;
}

/** A single long-lived client (LISTEN, COPY, DDL) that survives its server going away. */
export function resilientClient(pool: string, config: string | pg.ClientConfig): pg.Client {
  const Client = resilientClientClass(pool);
  return new Client(config);
}

function sumOver(read: (pool: pg.Pool) => number) {
  return function collect(this: Gauge<'pool'>): void {
    this.reset();
    const sums = new Map<string, number>();
    for (const { label, pool } of tracked) sums.set(label, (sums.get(label) ?? 0) + read(pool));
    for (const [label, value] of sums) this.set({ pool: label }, value);
  };
}

gauge(
  'db_pool_connections',
  'Open connections of this process, by pool',
  ['pool'],
  sumOver((p) => p.totalCount),
);
gauge(
  'db_pool_idle_connections',
  'Idle open connections of this process, by pool',
  ['pool'],
  sumOver((p) => p.idleCount),
);
gauge(
  'db_pool_waiting_clients',
  'Callers of this process waiting for a connection, by pool (above 0 for long: the pool is too small or a connection is held too long)',
  ['pool'],
  sumOver((p) => p.waitingCount),
);
gauge(
  'db_pool_max_connections',
  'Configured size of each pool of this process',
  ['pool'],
  sumOver((p) => p.options.max),
);
