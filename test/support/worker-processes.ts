import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../../dist/apps/worker/src/main.js', import.meta.url));

/**
 * Built worker processes for the crash tests (a SIGKILL needs a real process): `start` one with
 * the environment `env()` returns at that moment; `killAll` SIGKILLs those still running.
 */
export function workerProcesses(env: () => NodeJS.ProcessEnv) {
  const children: ChildProcess[] = [];
  return {
    start(): ChildProcess {
      const child = spawn(process.execPath, [WORKER], { env: env(), stdio: 'ignore' });
      children.push(child);
      return child;
    },
    killAll(): void {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    },
  };
}
