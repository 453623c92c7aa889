import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { configFor, migrateAll, resolveDatabase } from './database.js';

/**
 * `npm start`: PostgreSQL (embedded unless DATABASE_URL is set), migrations, then the api and the
 * worker as two child processes. Ctrl-C stops the children gracefully, then the database: the
 * embedded server runs in a process group of its own (postgres-holder.ts), so the terminal's
 * Ctrl-C reaches the api and worker (which drain) but not PostgreSQL, stopped only after them.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const say = (line: string) => console.log(`[start] ${line}`);

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

interface Database {
  url: string;
  stop(): Promise<void>;
}

/** DATABASE_URL as it is, or the embedded server started by a detached holder process. */
async function startDatabase(): Promise<Database> {
  if (process.env.DATABASE_URL) {
    const db = await resolveDatabase(say);
    return { url: db.url, stop: async () => undefined };
  }
  const holder = spawn(process.execPath, [path.join(here, 'postgres-holder.js')], {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    holder.on('message', (m: { type: string; url?: string; line?: string; message?: string }) => {
      if (m.type === 'log') say(m.line ?? '');
      else if (m.type === 'ready') resolve(m.url ?? '');
      else if (m.type === 'failed') reject(new Error(m.message));
    });
    holder.once('exit', (code) => reject(new Error(`PostgreSQL did not start (holder exited with ${code})`)));
  });
  return {
    url,
    stop: async () => {
      if (holder.exitCode !== null || !holder.connected) return exited(holder);
      say('stopping PostgreSQL…');
      holder.send('stop');
      await exited(holder);
    },
  };
}

async function main(): Promise<void> {
  const db = await startDatabase();
  const config = configFor(db.url);
  const applied = await migrateAll(config);
  say(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database is up to date');

  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url };
  // the worker's /health and /metrics, next to the api's port unless configured
  env.WORKER_HEALTH_PORT ??= String(config.http.port + 1);
  const children = [
    spawn(process.execPath, [path.join(here, '../apps/api/src/main.js')], { env, stdio: 'inherit' }),
    spawn(process.execPath, [path.join(here, '../apps/worker/src/main.js')], { env, stdio: 'inherit' }),
  ];
  const [api] = children;

  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say('stopping api and worker…');
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    const force = setTimeout(
      () => children.forEach((c) => c.kill('SIGKILL')),
      config.queue.shutdownTimeoutMs + 5000,
    );
    await Promise.all(children.map(exited));
    clearTimeout(force);
    await db.stop();
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  for (const child of children) {
    child.once('exit', (code, signal) => {
      if (!shuttingDown) {
        say(`a process exited unexpectedly (code ${code}, signal ${signal}); stopping`);
        void shutdown(1);
      }
    });
  }

  const local = `http://localhost:${config.http.port}`;
  if (await waitForHealth(`http://127.0.0.1:${config.http.port}/health`, api!, 60_000)) {
    say('ready');
    say(`  Start here ${local}/   (the calculator as pages; a sandbox checkout, then the report)`);
    say(`  API        ${local}/api/v1`);
    say(`  Swagger UI ${local}/docs   (OpenAPI JSON: ${local}/docs-json)`);
    say(`  Health     ${local}/health   ${local}/health/ready   metrics: ${local}/metrics`);
    say(
      `  Worker     http://localhost:${env.WORKER_HEALTH_PORT}/health   metrics: http://localhost:${env.WORKER_HEALTH_PORT}/metrics`,
    );
    if (!config.mail.smtpUrl) say(`  Mail       ${local}/dev/mail   (no SMTP_URL: mail is kept, not sent)`);
    say('  Ctrl-C stops everything');
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
