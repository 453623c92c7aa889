import pg from 'pg';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/utils';
import { resilientClient, resilientPool } from '#libs/db';

/** Where a process asks whoever holds an upload's lock to finish its request and let go. */
const CHANNEL = 'tus_lock_release';

export interface PgLockerOptions {
  connectionString: string;
  applicationName: string;
  /** Give up (TUS answers 500, the client retries) after this long. */
  acquireTimeoutMs?: number;
  /** Between attempts while another request holds the lock. */
  retryMs?: number;
  /** Connections for held locks: the most concurrent uploads one process serves. */
  maxLocks?: number;
}

/**
 * A TUS locker shared by every api process: an upload's lock is a PostgreSQL session advisory
 * lock (`pg_try_advisory_lock`), held on a connection of its own for the length of the request.
 * It is released by unlock, and by PostgreSQL itself when the holding process dies (its connection
 * closes), so an upload can resume through any process. A request that finds the lock taken asks
 * the holder, in whichever process, to release it (`NOTIFY tus_lock_release`, as @tus/server's
 * MemoryLocker does in-process: the holder's request is ended so a resuming client is not blocked
 * by its own half-open connection), and retries until the timeout.
 */
export class PgLocker implements Locker {
  readonly pool: pg.Pool;
  readonly acquireTimeoutMs: number;
  readonly retryMs: number;
  /** Locks this process holds: upload id → its holder's release request. */
  readonly held = new Map<string, RequestRelease>();
  private listener?: Promise<pg.Client>;

  constructor(private readonly opts: PgLockerOptions) {
    this.acquireTimeoutMs = opts.acquireTimeoutMs ?? 30_000;
    this.retryMs = opts.retryMs ?? 50;
    this.pool = resilientPool('tus-locks', {
      connectionString: opts.connectionString,
      application_name: opts.applicationName,
      max: opts.maxLocks ?? 32,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: this.acquireTimeoutMs,
    });
  }

  newLock(id: string): Lock {
    return new PgLock(id, this);
  }

  /** Listens for release requests (once, on first use). */
  listen(): Promise<pg.Client> {
    this.listener ??= (async () => {
      const client = resilientClient('tus-locks', {
        connectionString: this.opts.connectionString,
        application_name: `${this.opts.applicationName}-listen`,
      });
      client.on('error', () => {
        this.listener = undefined; // the next lock reconnects
      });
      client.on('notification', (n) => {
        const release = n.payload ? this.held.get(n.payload) : undefined;
        if (release) void Promise.resolve(release()).catch(() => undefined);
      });
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      return client;
    })().catch((err: unknown) => {
      this.listener = undefined;
      throw err;
    });
    return this.listener;
  }

  async close(): Promise<void> {
    const listener = await this.listener?.catch(() => undefined);
    await listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}

const KEY = `hashtextextended('tus:' || $1, 0)`;

class PgLock implements Lock {
  private client?: pg.PoolClient;

  constructor(
    private readonly id: string,
    private readonly locker: PgLocker,
  ) {}

  private lost?: Error;
  private readonly onLost = (err: Error) => {
    this.lost = err;
    const release = this.locker.held.get(this.id);
    if (release) void Promise.resolve(release()).catch(() => undefined);
  };

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    await this.locker.listen();
    const deadline = Date.now() + this.locker.acquireTimeoutMs;
    const client = await this.locker.pool.connect();
    try {
      for (;;) {
        const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${KEY}) AS ok`, [
          this.id,
        ]);
        if (rows[0]!.ok) {
          this.client = client;
          this.locker.held.set(this.id, requestRelease);
          // the connection lost is the lock lost: the holder's request must stop writing
          client.on('error', this.onLost);
          return;
        }
        await client.query(`SELECT pg_notify($1, $2)`, [CHANNEL, this.id]);
        if (signal.aborted || Date.now() >= deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
        await new Promise((r) => setTimeout(r, this.locker.retryMs));
      }
    } catch (err) {
      client.release();
      throw err;
    }
  }

  async unlock(): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('Releasing an unlocked lock!');
    this.client = undefined;
    this.locker.held.delete(this.id);
    client.off('error', this.onLost);
    if (this.lost) return client.release(this.lost);
    try {
      await client.query(`SELECT pg_advisory_unlock(${KEY})`, [this.id]);
      client.release();
    } catch (err) {
      client.release(err as Error); // the connection is dropped, and the lock with it
    }
  }
}
