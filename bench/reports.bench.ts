import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startChild, stopChild } from './support/child.js';
import { apiCall, benchEnv } from './support/api-client.js';
import { benchDatabase } from './support/database.js';
import { parseArgs, printPhase, runPacedAndSaturated, type LoadScenario } from './support/load.js';

/**
 * npm run bench:reports -- [--reports 300] [--connections 50] [--rate 10] [--duration 15]
 * 1. Pays for `reports` sessions (sandbox) with the worker stopped, then starts ONE worker with
 *    the offline composer and times until every report is completed: reports per minute.
 * 2. GET /r/:token and GET /api/v1/reports/:token/status from 50 clients, paced (rate req/s each)
 *    and back-to-back, with GET /health in the same run as the baseline.
 * Targets: ≥ 600 reports/min per worker; page p95 ≤ 20 ms.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const args = parseArgs({ reports: 300, connections: 50, rate: 10, duration: 15, warmup: 3 });

async function payForReport(base: string, i: number): Promise<string> {
  const s = await apiCall(base, i, 'POST', '/api/v1/calculator/sessions', null);
  const t = s.session_token!;
  await apiCall(base, i, 'POST', '/api/v1/calculator/step/1', t, {
    sex: i % 2 ? 'male' : 'female',
    age: 25 + (i % 40),
    height_cm: 160 + (i % 30),
    weight_kg: 60 + (i % 50),
  });
  await apiCall(base, i, 'POST', '/api/v1/calculator/step/2', t, {
    lifestyle_activity: 'moderate',
    exercise_frequency: '3_4_per_week',
    goal: 'lose',
    deficit_percentage: 20,
    diet_type: ['carnivore', 'keto', 'paleo'][i % 3],
  });
  await apiCall(base, i, 'POST', '/api/v1/calculator/step/3', t, {});
  await apiCall(base, i, 'POST', '/api/v1/calculator/step/4', t, {
    email: `person${i}@example.com`,
    first_name: `Person${i}`,
    last_name: 'Bench',
    conditions: i % 4 === 0 ? ['diabetes', 'hypertension'] : ['ibs'],
    medications: i % 4 === 0 ? 'Metformin 500mg, Lisinopril 10mg' : '',
    allergies: i % 5 === 0 ? ['shellfish', 'dairy'] : [],
    biggest_challenge: ['I fell off keto', 'no time to cook', 'my family eats pasta', 'meat is expensive'][
      i % 4
    ],
  });
  const tier = ['bundle', 'shopping', 'meal_plan', 'doctor'][i % 4]!;
  const checkout = await apiCall(base, i, 'POST', '/api/v1/payments/checkout', t, { session_id: s.id, tier });
  await apiCall(base, i, 'POST', `/api/v1/payments/sandbox/${checkout.checkout_session_id}/complete`, null);
  const verified = await apiCall(base, i, 'POST', '/api/v1/calculator/payment/verify', t, {
    session_id: s.id,
    checkout_session_id: checkout.checkout_session_id,
  });
  return verified.access_token!;
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  // Sandbox payments are refused in production, so the api and worker run as development.
  const apiEnv = benchEnv(db.url, { NODE_ENV: 'development', PAYMENTS_ENABLED: 'true', TRUST_PROXY: '1' });
  const { port, child: api } = await startChild(path.join(here, 'support/http-servers.js'), ['api'], apiEnv);
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  let worker: ReturnType<typeof spawn> | null = null;
  try {
    const base = `http://127.0.0.1:${port}`;
    const tokens: string[] = [];
    for (let i = 0; i < args.reports!; i++) tokens.push(await payForReport(base, i));

    worker = spawn(process.execPath, [path.join(here, '../apps/worker/src/main.js')], {
      env: apiEnv,
      stdio: 'ignore',
    });
    const started = Date.now();
    let done = 0;
    while (done < tokens.length) {
      await new Promise((r) => setTimeout(r, 100));
      done = Number(
        (await sql.query(`SELECT count(*) FROM reports WHERE status = 'completed'`)).rows[0].count,
      );
      const failed = Number(
        (await sql.query(`SELECT count(*) FROM reports WHERE status = 'failed'`)).rows[0].count,
      );
      if (failed) throw new Error(`${failed} reports failed`);
      if (Date.now() - started > 600_000) throw new Error('reports did not complete within 10 minutes');
    }
    const seconds = (Date.now() - started) / 1000;
    const perMinute = (tokens.length / seconds) * 60;
    const { rows: lat } = await sql.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s)::float AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY s)::float AS p95
         FROM (SELECT extract(epoch FROM completed_at - started_at) * 1000 AS s FROM report_revisions WHERE status = 'completed') x`,
    );

    let n = 0;
    const pick = () => tokens[n++ % tokens.length]!;
    const ip = () => ({ 'x-forwarded-for': `203.0.${n % 250}.${(n * 7) % 250}` });
    const scenarios: LoadScenario[] = [
      { name: 'GET /health', method: 'GET', path: '/health' },
      {
        name: 'GET /r/:token',
        method: 'GET',
        path: '/r/',
        request: () => ({ path: `/r/${pick()}`, headers: ip() }),
      },
      {
        name: 'GET /api/v1/reports/:token/status',
        method: 'GET',
        path: '/',
        request: () => ({ path: `/api/v1/reports/${pick()}/status`, headers: ip() }),
      },
    ];
    console.log(
      `\nbench:reports — one worker, offline composer, ${tokens.length} paid reports (4 tiers, mixed profiles)\n`,
    );
    console.log(
      `generation: ${tokens.length} reports in ${seconds.toFixed(1)} s = ${perMinute.toFixed(0)} reports/min (worker start included)`,
    );
    console.log(
      `per report (started → completed): p50 ${lat[0].p50.toFixed(0)} ms, p95 ${lat[0].p95.toFixed(0)} ms`,
    );
    // 100 views per hour per token is a product rule; the bench measures speed, not the limit.
    const phases = await runPacedAndSaturated(
      base,
      scenarios,
      { connections: args.connections!, rate: args.rate!, duration: args.duration!, warmup: args.warmup! },
      async () => void (await sql.query('TRUNCATE rate_limit_counters')),
    );
    for (const phase of phases) printPhase('bench:reports', phase);
    const pageP95 = phases.find((p) => p.paced)!.results[1]!.p95;
    console.log(
      `\ntargets: >= 600 reports/min per worker: ${perMinute >= 600 ? 'MET' : 'NOT MET'} (${perMinute.toFixed(0)}); page p95 <= 20 ms (paced): ${pageP95 <= 20 ? 'MET' : 'NOT MET'} (${pageP95.toFixed(2)} ms)`,
    );
  } finally {
    worker?.kill('SIGTERM');
    await sql.end();
    await stopChild(api);
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
