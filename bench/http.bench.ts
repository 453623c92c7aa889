import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, stopChild } from './support/child.js';
import { benchEnv } from './support/api-client.js';
import { benchDatabase } from './support/database.js';
import { formatTable, parseArgs, runLoad, type LoadResult, type LoadScenario } from './support/load.js';

/**
 * npm run bench:http -- [--connections 1,10] [--duration 10] [--warmup 3]
 * GET /health and a validated POST through the full pipeline (validation, rate limit,
 * idempotency, logging, metrics) against the same two routes on bare Fastify, same run, at each
 * concurrency. The target (≤ 1 ms added p95) is judged at 1 connection, where latency is the
 * pipeline's own cost; at 10 connections the 2 cores (server, PostgreSQL and this load generator)
 * saturate and queueing dominates.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const args = parseArgs({ duration: 10, warmup: 3 });
const levels = (/--connections[= ]([\d,]+)/.exec(process.argv.slice(2).join(' '))?.[1] ?? '1,10')
  .split(',')
  .map(Number);

const post: LoadScenario['request'] = () => ({
  body: { name: 'Michael', age: 35, goal: 'lose' },
  headers: { 'idempotency-key': randomUUID(), 'x-client': String(Math.floor(Math.random() * 1000)) },
});

async function measure(
  mode: 'full' | 'bare',
  env: NodeJS.ProcessEnv,
  connections: number,
): Promise<LoadResult[]> {
  const { port, child } = await startChild(path.join(here, 'support/http-servers.js'), [mode], env);
  try {
    const base = `http://127.0.0.1:${port}`;
    const opts = {
      connections,
      durationMs: args.duration! * 1000,
      warmupMs: args.warmup! * 1000,
    };
    const health = await runLoad(
      base,
      { name: `${mode}: GET /health`, method: 'GET', path: '/health' },
      opts,
    );
    const echo = await runLoad(
      base,
      {
        name: `${mode}: POST /api/v1/bench/echo`,
        method: 'POST',
        path: '/api/v1/bench/echo',
        request: post,
        expectStatus: [201],
      },
      opts,
    );
    return [health, echo];
  } finally {
    await stopChild(child);
  }
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  try {
    const env = benchEnv(db.url, { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' });
    let judged: number | null = null;
    for (const connections of levels) {
      const bare = await measure('bare', env, connections);
      const full = await measure('full', env, connections);
      console.log(
        `\nbench:http — ${connections} connection(s), ${args.duration} s per scenario (${args.warmup} s warm-up), Node ${process.version}\n`,
      );
      console.log(formatTable([...bare, ...full]));
      console.log('');
      const names = ['GET /health', 'validated POST'];
      for (let i = 0; i < 2; i++) {
        const b = bare[i]!;
        const f = full[i]!;
        console.log(
          `${names[i]}: full/bare throughput ${(f.rps / b.rps).toFixed(2)}x, p95 ${f.p95.toFixed(2)} vs ${b.p95.toFixed(2)} ms (+${(f.p95 - b.p95).toFixed(2)} ms), p50 ratio ${(f.p50 / b.p50).toFixed(2)}x`,
        );
      }
      judged ??= full[1]!.p95 - bare[1]!.p95;
      if ([...bare, ...full].some((r) => r.errors > 0)) {
        console.log(
          'unexpected statuses:',
          JSON.stringify([...bare, ...full].map((r) => [r.name, r.statuses])),
        );
      }
    }
    console.log(
      `\ntarget: the full pipeline adds <= 1 ms p95 over bare Fastify at ${levels[0]} connection(s): ${judged! <= 1 ? 'MET' : 'NOT MET'} (+${judged!.toFixed(2)} ms)`,
    );
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
