import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, stopChild } from './support/child.js';
import { apiCall, benchEnv } from './support/api-client.js';
import { benchDatabase } from './support/database.js';
import { parseArgs, printPhase, runPacedAndSaturated, type LoadResult } from './support/load.js';

/**
 * npm run bench:calculator -- [--connections 50] [--rate 10] [--duration 15] [--warmup 3] [--sessions 500]
 * PATCH save-progress and step 3 (server-side macros, optimistic write) from 50 concurrent
 * clients, with GET /health in the same run as the baseline, twice: paced (each client sends
 * `rate` requests a second — a person answering fast — 500 req/s in all by default: the target,
 * p95 ≤ 15 ms, is judged here) and back-to-back (saturation: throughput and queueing latency).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const args = parseArgs({ connections: 50, rate: 10, duration: 15, warmup: 3, sessions: 500 });

interface Session {
  id: string;
  token: string;
}

async function prepare(base: string, count: number): Promise<Session[]> {
  const sessions: Session[] = [];
  for (let i = 0; i < count; i++) {
    const s = (await apiCall(base, i, 'POST', '/api/v1/calculator/sessions', null)) as {
      id: string;
      session_token: string;
    };
    await apiCall(base, i, 'POST', '/api/v1/calculator/step/1', s.session_token, {
      sex: i % 2 ? 'male' : 'female',
      age: 20 + (i % 50),
      height_cm: 160 + (i % 30),
      weight_kg: 60 + (i % 40),
    });
    await apiCall(base, i, 'POST', '/api/v1/calculator/step/2', s.session_token, {
      lifestyle_activity: 'moderate',
      exercise_frequency: '3_4_per_week',
      goal: 'lose',
      deficit_percentage: 15,
      diet_type: i % 3 ? 'carnivore' : 'keto',
    });
    sessions.push({ id: s.id, token: s.session_token });
  }
  return sessions;
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  const env = benchEnv(db.url, { TRUST_PROXY: '1' });
  const { port, child } = await startChild(path.join(here, 'support/http-servers.js'), ['api'], env);
  try {
    const base = `http://127.0.0.1:${port}`;
    const sessions = await prepare(base, args.sessions!);
    const pick = (i: number) => sessions[i % sessions.length]!;
    let n = 0;
    const scenarios = [
      { name: 'GET /health', method: 'GET' as const, path: '/health' },
      {
        name: 'PATCH /calculator/sessions/:id',
        method: 'PATCH' as const,
        path: '/api/v1/calculator/sessions/:id',
        request: (i: number) => {
          const s = pick(i);
          return {
            path: `/api/v1/calculator/sessions/${s.id}`,
            body: { age: 20 + (n++ % 60), goal: 'lose', medications: 'none' },
            headers: { 'x-session-token': s.token },
          };
        },
      },
      {
        name: 'POST /calculator/step/3',
        method: 'POST' as const,
        path: '/api/v1/calculator/step/3',
        request: (i: number) => ({
          body: i % 2 ? {} : { body_fat_percent: 15 + (i % 20) },
          headers: { 'x-session-token': pick(i).token },
        }),
      },
    ];
    const phases = await runPacedAndSaturated(base, scenarios, {
      connections: args.connections!,
      rate: args.rate!,
      duration: args.duration!,
      warmup: args.warmup!,
    });
    for (const phase of phases) {
      printPhase(`bench:calculator — ${args.duration} s per scenario, ${sessions.length} sessions`, phase);
    }
    const [, patch, step3] = phases.find((p) => p.paced)!.results as [LoadResult, LoadResult, LoadResult];
    const judged = Math.max(patch.p95, step3.p95);
    console.log(
      `\ntarget: p95 <= 15 ms for both at the paced load: ${judged <= 15 ? 'MET' : 'NOT MET'} (worst ${judged.toFixed(2)} ms)`,
    );
  } finally {
    await stopChild(child);
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
