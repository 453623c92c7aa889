import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '#libs/db/embedded';
import { waitFor } from './wait.js';

const dist = (p: string) => fileURLToPath(new URL(`../../dist/${p}`, import.meta.url));

export interface AppProcess {
  name: string;
  child: ChildProcess;
  output: string[];
}

/**
 * The built api and worker as real processes (one each) on `env`: what a test needs to restart
 * the database under them, read their log lines, or scrape their /metrics.
 */
export class AppProcesses {
  readonly procs: AppProcess[] = [];
  base = '';
  workerBase = '';

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  async start(): Promise<this> {
    const apiPort = await freePort();
    const healthPort = await freePort();
    this.base = `http://127.0.0.1:${apiPort}`;
    this.workerBase = `http://127.0.0.1:${healthPort}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      PUBLIC_BASE_URL: this.base,
      ...this.env,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      WORKER_HEALTH_PORT: String(healthPort),
    };
    this.spawn('api', 'apps/api/src/main.js', env);
    this.spawn('worker', 'apps/worker/src/main.js', env);
    for (const url of [`${this.base}/health/ready`, `${this.workerBase}/health`])
      await waitFor(
        async () => {
          if (!this.alive()) throw new Error(`a process exited:\n${this.output()}`);
          return (await fetch(url).catch(() => null))?.ok ? true : undefined;
        },
        60_000,
        100,
      );
    return this;
  }

  private spawn(name: string, script: string, env: NodeJS.ProcessEnv): void {
    const output: string[] = [];
    const child = spawn(process.execPath, [dist(script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
    this.procs.push({ name, child, output });
  }

  alive(): boolean {
    return this.procs.every((p) => p.child.exitCode === null && p.child.signalCode === null);
  }

  output(name?: string): string {
    return this.procs
      .filter((p) => !name || p.name === name)
      .map((p) => p.output.join(''))
      .join('\n');
  }

  /** The JSON log lines of one process (other lines skipped). */
  logLines(name: string): Record<string, unknown>[] {
    return this.output(name)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return null;
        }
      })
      .filter((l): l is Record<string, unknown> => l !== null);
  }

  /** SIGKILLs the processes still running and waits until they are gone (their pipes closed). */
  async kill(): Promise<void> {
    await Promise.all(
      this.procs.map((p) => {
        p.child.stdout?.destroy();
        p.child.stderr?.destroy();
        if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve();
        const gone = new Promise<void>((r) => p.child.once('exit', () => r()));
        p.child.kill('SIGKILL');
        return gone;
      }),
    );
  }
}
