import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { EntityManager, type QueryRunner } from 'typeorm';
import { isPlannedAcquisition, settlePlanMode } from './planned-statements.js';
import { resilientClientClass, trackPool } from './resilient-pg.js';

/**
 * The one adapter between our code and node-postgres' pools as TypeORM uses them. TypeORM takes
 * the pg module as its documented `driver` option; we hand it pg with a Pool of our own, which
 * is where three rules of the data layer are kept for every connection the DataSource takes:
 *
 * 1. **No connection held while waiting for another of the same pool.** A transaction runs inside
 *    a mark (runInTransactionMark, called by AppDataSource.transaction); when the guard is on, a
 *    second acquisition from the pool the transaction holds throws NestedAcquireError instead of
 *    waiting — with N such requests and a pool of N, every connection would be held and every
 *    request would wait forever. On in development and tests (DATABASE_NESTED_ACQUIRE_GUARD).
 * 2. **A starved acquisition fails, never hangs**: the pool's `connectionTimeoutMillis`, and its
 *    timeout error becomes DatabaseUnavailable (503 with Retry-After).
 * 3. **Every connection serves the request's scope** (tenant-scope.ts): a connection is brought to
 *    the caller's vendor or platform scope when it is handed out, before any statement of the
 *    caller runs on it — and back to `plan_cache_mode=force_custom_plan` if a planned read left it
 *    at auto and the caller is not one (planned-statements.ts).
 *
 * Every pool created here is recorded (trackPool) for the pool gauges, and its clients are
 * resilient (resilient-pg.ts): a lost connection never throws an unhandled `error`.
 */

/** Thrown when code inside a transaction asks the same pool for a second connection. */
export class NestedAcquireError extends Error {
  constructor() {
    super(
      'a second connection was requested from the pool while this transaction holds one: ' +
        "pass the transaction's EntityManager down (or move the call outside the transaction)",
    );
    this.name = 'NestedAcquireError';
  }
}

/** The database cannot serve this now (no connection within the timeout, or it is restarting). */
export class DatabaseUnavailable extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds = 2,
  ) {
    super(message);
    this.name = 'DatabaseUnavailable';
  }
}

/** SQLSTATEs and socket errors that mean "the server is going or gone", not "the statement is wrong". */
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown (a fast shutdown, Ctrl-C on the embedded server)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);
const UNAVAILABLE_MESSAGES =
  /^(timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Connection terminated unexpectedly)/;

/** True when `err` says the database is unreachable or restarting (worth a retry later). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailable) return true;
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  return typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message);
}

function translate(err: Error): Error {
  if (/^timeout exceeded when trying to connect/.test(err.message)) {
    return new DatabaseUnavailable('no database connection became free in time');
  }
  return err;
}

interface TransactionMark {
  /** The driver module of the DataSource whose transaction this is (one per DataSource). */
  owner: object;
  /** The pool the transaction's connection came from (set by its first acquisition). */
  pool: pg.Pool | null;
  ended: boolean;
}

const marks = new AsyncLocalStorage<TransactionMark>();

/** Runs `work` (a transaction on the DataSource `owner`) inside a mark the pool can see. */
export async function runInTransactionMark<T>(owner: object, work: () => Promise<T>): Promise<T> {
  // a transaction begun on the root inside another of the same DataSource would take a second
  // connection: it keeps the outer mark, so that acquisition is the one the guard refuses
  if (holdsTransactionOf(owner)) return work();
  const mark: TransactionMark = { owner, pool: null, ended: false };
  try {
    return await marks.run(mark, work);
  } finally {
    mark.ended = true;
  }
}

/** True when the caller runs inside a transaction of `owner` that already holds its connection. */
export function holdsTransactionOf(owner: object): boolean {
  const mark = marks.getStore();
  return !!mark && mark.owner === owner && !mark.ended && mark.pool !== null;
}

export interface DriverOptions {
  /** Throw on a nested acquisition (development and tests). */
  guard: boolean;
  /** Called with each connection before it is handed out (tenant scope). */
  prepare?: (client: pg.PoolClient, state: unknown) => Promise<void>;
  /** Captures, at request time, what `prepare` needs (the async context is not kept by pg's queue). */
  capture?: () => unknown;
  /** Which pool this is, for metrics (`main`, `replica`, …). */
  label: string;
}

type ConnectCallback = (
  err: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

/**
 * The pg module TypeORM should use for one DataSource: pg itself with a Pool that keeps the rules
 * above. Each DataSource gets its own module, which is also the identity its transactions' marks
 * carry, so a mark names that DataSource's pools only.
 */
export function driverFor(options: DriverOptions): typeof pg {
  class AppPool extends pg.Pool {
    constructor(config?: pg.PoolConfig) {
      super({ ...config, Client: resilientClientClass(options.label) });
      trackPool(options.label, this);
    }

    // pg.Pool#connect has a promise form and a callback form; TypeORM uses the callback.
    override connect(): Promise<pg.PoolClient>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
      const promise = this.acquire();
      if (!callback) return promise;
      promise.then(
        (client) => callback(undefined, client, (release?: unknown) => client.release(release as boolean)),
        (err: Error) => callback(err, undefined, () => undefined),
      );
    }

    private async acquire(): Promise<pg.PoolClient> {
      const mark = marks.getStore();
      if (mark && mark.owner === driver && !mark.ended) {
        if (mark.pool === null) mark.pool = this;
        else if (mark.pool === this && options.guard) throw new NestedAcquireError();
      }
      const state = options.capture?.();
      const planned = isPlannedAcquisition();
      let client: pg.PoolClient;
      try {
        client = await super.connect();
      } catch (err) {
        throw translate(err as Error);
      }
      if (options.prepare) {
        try {
          await options.prepare(client, state);
        } catch (err) {
          client.release(err as Error); // a connection that could not be scoped is not reused
          throw err;
        }
      }
      try {
        await settlePlanMode(client, planned);
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
      return client;
    }
  }
  const driver: typeof pg = Object.assign(Object.create(pg) as typeof pg, { Pool: AppPool });
  return driver;
}

/**
 * TypeORM's EntityManager for the DataSource's root: its transactions run inside the mark.
 * (A transaction's own manager has a query runner and keeps TypeORM's behaviour: it reuses it.)
 */
export class MarkedEntityManager extends EntityManager {
  override transaction<T>(...args: unknown[]): Promise<T> {
    const call = super.transaction.bind(this) as (...a: unknown[]) => Promise<T>;
    const driver = (this.connection.options as { driver?: object }).driver;
    return driver ? runInTransactionMark(driver, () => call(...args)) : call(...args);
  }
}

/** The runner type our own code sees (no private fields of TypeORM's are read anywhere). */
export type { QueryRunner };
