import type pg from 'pg';
import type { Db } from 'pg-boss';
import { resilientClient, resilientPool } from '#libs/db';

type ListenHandle = { close(): Promise<void> };

export interface BossDatabaseOptions {
  connectionString: string;
  applicationName: string;
  max: number;
}

/**
 * pg-boss's connection to PostgreSQL, through its documented `db` adapter option instead of the
 * pool it would create itself. Ours is the same thing with two differences an operator needs:
 *
 * - **No lost connection ends the process.** pg-boss's own LISTEN client drops its `error`
 *   listener before ending the connection (on stop, and after a lost connection); a server that
 *   terminates it at that moment (Ctrl-C reaching PostgreSQL, a fast shutdown) threw
 *   `Unhandled 'error' event` from the worker. Every connection here is a resilient client
 *   (resilient-pg.ts) that keeps its listener to the end.
 * - **Its pool is counted** with the others in the `db_pool_*` gauges (label `queue`).
 *
 * LISTEN/NOTIFY only wakes idle workers early (polling stays the floor): the listener reconnects
 * with a capped backoff and calls `onReconnect` each time it subscribes again, so pg-boss fetches
 * what was announced while it was away.
 */
export class BossDatabase implements Db {
  readonly pool: pg.Pool;

  constructor(private readonly options: BossDatabaseOptions) {
    this.pool = resilientPool('queue', {
      connectionString: options.connectionString,
      application_name: options.applicationName,
      max: options.max,
      connectionTimeoutMillis: 10_000,
    });
  }

  async executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
    return this.pool.query(text, values);
  }

  async listen(
    channel: string,
    onNotification: (payload: string) => void,
    onReconnect: () => void,
  ): Promise<ListenHandle> {
    let closed = false;
    let client: pg.Client | null = null;
    let retry: NodeJS.Timeout | null = null;
    let attempt = 0;

    const lost = (target: pg.Client) => {
      if (closed || client !== target) return;
      client = null;
      target.end().catch(() => undefined);
      const backoff = Math.min(30_000, 500 * 2 ** Math.min(attempt++, 6));
      retry = setTimeout(() => {
        retry = null;
        connect().catch(() => lost(client ?? target));
      }, backoff);
    };

    const connect = async (): Promise<void> => {
      if (closed) return;
      const next = resilientClient('queue', {
        connectionString: this.options.connectionString,
        application_name: `${this.options.applicationName}-listen`,
        keepAlive: true,
      });
      client = next;
      next.on('error', () => lost(next));
      next.on('end', () => lost(next));
      next.on('notification', (msg) => {
        if (msg.payload !== undefined) onNotification(msg.payload);
      });
      await next.connect();
      await next.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
      attempt = 0;
      onReconnect();
    };

    await connect();
    return {
      close: async () => {
        closed = true;
        if (retry) clearTimeout(retry);
        const last = client;
        client = null;
        await last?.end().catch(() => undefined);
      },
    };
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
