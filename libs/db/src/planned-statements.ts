import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

/**
 * Named prepared statements whose plans PostgreSQL keeps, on one pooled connection.
 *
 * Sessions run with `plan_cache_mode=force_custom_plan` (data-source.ts): a statement that takes
 * the vendor as a parameter, planned generically, would cover every vendor's partitions. A
 * statement that names its vendor as a literal is pruned to that vendor's leaves when it is
 * planned, so its plan can be kept and reused: for catalogue search that saves the planning of
 * 16 leaves on every call (about 1.5 ms a statement, a third of its database time). Such
 * statements run with the session's `plan_cache_mode = auto` (PostgreSQL keeps the generic plan
 * when it costs no more than the custom ones it tried first). The connection is left so when it
 * goes back to the pool — the next planned read on it needs no statement to set it — and whoever
 * takes it next for anything else gets it back at `force_custom_plan` first (settlePlanMode, run
 * by the pool as it hands a connection out: pg-driver.ts). This used to be a transaction with
 * `SET LOCAL` around every planned read: two round trips of a search's four or five.
 *
 * Each connection keeps at most MAX_PER_CONNECTION of them (least recently used deallocated):
 * statement names carry the vendor, and one search statement with its generic plan over a
 * vendor's 16 leaves holds about 280 kB of the backend's memory (measured with
 * pg_backend_memory_contexts) — at most ~9 MB a connection.
 */
export const MAX_PER_CONNECTION = 32;

/** Names a connection has prepared, oldest use first (Map iteration order). */
const prepared = new WeakMap<pg.PoolClient, Map<string, string>>();

/**
 * node-postgres' own record of the statements it has parsed on a connection — a private field, and
 * the one place this code reads one: pg prepares a name once per connection and never forgets it,
 * so a statement deallocated here must be dropped from its record too, or pg would run the name
 * without preparing it again. Fails loudly if a pg release moves it
 * (test/integration/planned-statements.spec.ts evicts and re-prepares through it).
 */
function pgParsedStatements(client: pg.PoolClient): Record<string, string> {
  const parsed = (client as pg.PoolClient & { connection?: { parsedStatements?: Record<string, string> } })
    .connection?.parsedStatements;
  if (parsed === undefined)
    throw new Error(
      'node-postgres no longer exposes connection.parsedStatements (see planned-statements.ts)',
    );
  return parsed;
}

/** Connections whose session was left at plan_cache_mode=auto by a planned read. */
const autoSessions = new WeakSet<pg.PoolClient>();
/** Set while a planned read takes its connection from the pool. */
const plannedAcquisition = new AsyncLocalStorage<true>();

/** Takes a connection (through `connect`) for planned statements: one left at auto stays so. */
export function acquireForPlanned<T>(connect: () => Promise<T>): Promise<T> {
  return plannedAcquisition.run(true, connect);
}

/** Whether the acquisition being made now is a planned read's (read synchronously when it starts). */
export function isPlannedAcquisition(): boolean {
  return plannedAcquisition.getStore() === true;
}

/**
 * What the pool runs on each connection it hands out: a session a planned read left at auto goes
 * back to force_custom_plan unless the taker is a planned read too (one statement, only then).
 */
export async function settlePlanMode(client: pg.PoolClient, planned: boolean): Promise<void> {
  if (planned || !autoSessions.has(client)) return;
  autoSessions.delete(client); // unknown until it succeeds; a failed SET discards the connection
  await client.query('SET plan_cache_mode = force_custom_plan');
}

export class PlannedStatements {
  constructor(private readonly client: pg.PoolClient) {}

  /** Runs `text` as the prepared statement `name` (one text per name, always). */
  async run<R>(name: string, text: string, values: unknown[]): Promise<R[]> {
    if (!/^[a-z0-9_]{1,63}$/.test(name)) throw new Error(`not a statement name: ${name}`);
    if (!autoSessions.has(this.client)) {
      await this.client.query('SET plan_cache_mode = auto');
      autoSessions.add(this.client);
    }
    const names = prepared.get(this.client) ?? new Map<string, string>();
    prepared.set(this.client, names);
    const known = names.get(name);
    if (known !== undefined && known !== text) throw new Error(`statement ${name} has another text`);
    names.delete(name);
    names.set(name, text);
    while (names.size > MAX_PER_CONNECTION) {
      const oldest = names.keys().next().value as string;
      names.delete(oldest);
      // only what the server really holds (a statement whose parse failed was never prepared)
      const parsed = pgParsedStatements(this.client);
      if (parsed[oldest] !== undefined) {
        await this.client.query(`DEALLOCATE ${oldest}`);
        delete parsed[oldest];
      }
    }
    const result = await this.client.query({ name, text, values });
    return result.rows as R[];
  }
}
