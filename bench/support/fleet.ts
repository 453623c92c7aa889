import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '#libs/db/embedded';

const dist = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

interface Member {
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  /** The bench killed it on purpose (a fault); its exit is expected. */
  killing: boolean;
}

/**
 * Built api and worker processes, each logging to its own file, with the bench as their
 * supervisor: `killAndRestart` SIGKILLs one and starts it again once it is gone; any other exit
 * is recorded in `unexpectedExits` (and the process is started again, as a supervisor would).
 */
export class Fleet {
  readonly apiBases: string[] = [];
  readonly unexpectedExits: string[] = [];
  restarts = 0;
  private readonly members = new Map<string, Member>();
  private stopping = false;

  constructor(
    private readonly logDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    mkdirSync(logDir, { recursive: true });
  }

  async start(apis: number, workers: number): Promise<void> {
    const ready: Promise<void>[] = [];
    for (let i = 1; i <= apis; i++) {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      this.apiBases.push(base);
      this.spawn(`api-${i}`, 'apps/api/src/main.js', {
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_BASE_URL: base,
      });
      ready.push(this.ready(`${base}/health/ready`, `api-${i}`));
    }
    for (let i = 1; i <= workers; i++) {
      const port = await freePort();
      this.spawn(`worker-${i}`, 'apps/worker/src/main.js', { WORKER_HEALTH_PORT: String(port) });
      ready.push(this.ready(`http://127.0.0.1:${port}/health`, `worker-${i}`));
    }
    await Promise.all(ready);
  }

  private spawn(name: string, script: string, extra: NodeJS.ProcessEnv): void {
    const env = { PATH: process.env.PATH, ...this.env, ...extra };
    const out = createWriteStream(join(this.logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [dist(script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(out, { end: false });
    child.stderr!.pipe(out, { end: false });
    const member: Member = { name, script, env, child, killing: false };
    this.members.set(name, member);
    child.once('exit', (code, signal) => {
      if (this.stopping || member.killing) return;
      this.unexpectedExits.push(`${name} exited (code ${code}, signal ${signal})`);
      this.restarts++;
      this.spawn(name, script, extra);
    });
  }

  private async ready(url: string, name: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if ((await fetch(url).catch(() => null))?.ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} did not become ready (${url}); see ${this.logDir}`);
  }

  /** SIGKILL (a crash, an OOM kill), then start it again and wait until it serves. */
  async killAndRestart(name: string): Promise<void> {
    const m = this.members.get(name);
    if (!m) throw new Error(`no process ${name}`);
    m.killing = true;
    const gone = new Promise((r) => m.child.once('exit', r));
    m.child.kill('SIGKILL');
    await gone;
    this.restarts++;
    const extra = Object.fromEntries(
      ['PORT', 'HOST', 'PUBLIC_BASE_URL', 'WORKER_HEALTH_PORT'].flatMap((k) =>
        m.env[k] ? [[k, m.env[k]]] : [],
      ),
    );
    this.spawn(name, m.script, extra);
    const url = m.env.PORT
      ? `http://127.0.0.1:${m.env.PORT}/health/ready`
      : `http://127.0.0.1:${m.env.WORKER_HEALTH_PORT}/health`;
    await this.ready(url, name);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.members.values()].map(
        (m) =>
          new Promise<void>((resolve) => {
            if (m.child.exitCode !== null || m.child.signalCode !== null) return resolve();
            m.child.once('exit', () => resolve());
            m.child.kill('SIGTERM');
            setTimeout(() => m.child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
  }
}
