import { spawn, type ChildProcess } from 'node:child_process';

/** Starts a server script in a child process and waits for its `READY <port>` line on stderr. */
export async function startChild(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ port: number; child: ChildProcess }> {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const m = /READY (\d+)/.exec(buffer);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${buffer}`)));
  });
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The real api in a child process on the bench database (`bench/support/http-servers.js api`),
 * pool sized for `clients`; `extra` overrides its environment (DATABASE_ROW_SECURITY=false for the
 * without-row-level-security twin).
 */
export function startApiChild(
  env: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
): Promise<{ port: number; child: ChildProcess }> {
  return startChild(new URL('./http-servers.js', import.meta.url).pathname, ['api'], {
    ...env,
    LOG_LEVEL: 'warn',
    ...extra,
  });
}
