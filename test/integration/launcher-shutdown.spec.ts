import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '#libs/db/embedded';
import { payForReport } from '../../bench/support/http-funnel.js';
import { waitFor } from '../support/wait.js';

/**
 * `npm start` stopped the way a person stops it: Ctrl-C, which a terminal sends to its whole
 * foreground process group. The api and worker drain and exit, PostgreSQL is stopped after them,
 * the launcher exits 0 — and no process dies of a connection the database closed (the finding:
 * `Unhandled 'error' event … 57P01` from the worker, two tries out of two). The second case sends
 * PostgreSQL the signal too, at the same instant, as the old launcher let the terminal do.
 */
const LAUNCHER = fileURLToPath(new URL('../../dist/scripts/start-dev.js', import.meta.url));

function postgresRunningIn(dir: string): boolean {
  try {
    return (
      execFileSync('pgrep', ['-f', `postgres -D ${dir}`])
        .toString()
        .trim().length > 0
    );
  } catch {
    return false;
  }
}

describe('Ctrl-C under npm start (integration)', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'nrp-launcher-'));
    chmodSync(dataDir, 0o755);
  });
  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function launchAndInterrupt(alsoSignalPostgres: boolean) {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      PORT: String(port),
      WORKER_HEALTH_PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
    };
    // its own process group, as a terminal's foreground job
    const launcher = spawn(process.execPath, [LAUNCHER], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    launcher.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    launcher.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exit = new Promise<number | null>((r) => launcher.once('exit', (code) => r(code)));
    await waitFor(async () => (output.includes('Ctrl-C stops everything') ? true : undefined), 90_000, 100);
    // work in flight while it stops: a report being generated
    const base = `http://127.0.0.1:${port}`;
    await payForReport(base, 7);

    const pgDir = join(dataDir, 'postgres');
    expect(postgresRunningIn(pgDir)).toBe(true);
    if (alsoSignalPostgres) execFileSync('pkill', ['-INT', '-f', `postgres -D ${pgDir}`]);
    process.kill(-launcher.pid!, 'SIGINT');
    const code = await Promise.race([
      exit,
      new Promise<string>((r) => setTimeout(() => r('timeout'), 45_000)),
    ]);
    launcher.stdout!.destroy();
    launcher.stderr!.destroy();
    return { code, output, stillRunning: postgresRunningIn(pgDir) };
  }

  it('drains the api and worker, then stops PostgreSQL, and exits 0', async () => {
    const { code, output, stillRunning } = await launchAndInterrupt(false);
    expect(output).not.toMatch(/Unhandled 'error' event|terminating connection due to administrator command/);
    expect(code).toBe(0);
    expect(output.indexOf('stopping PostgreSQL')).toBeGreaterThan(output.indexOf('worker stopping'));
    expect(output).toContain('[start] stopped');
    expect(stillRunning).toBe(false);
  }, 120_000);

  it('survives PostgreSQL going away at the same instant (no process dies of a closed connection)', async () => {
    const { code, output, stillRunning } = await launchAndInterrupt(true);
    expect(output).not.toMatch(/Unhandled 'error' event/);
    expect(output).not.toMatch(/exited unexpectedly/);
    expect(code).toBe(0);
    expect(stillRunning).toBe(false);
  }, 120_000);
});
