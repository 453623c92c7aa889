import http from 'node:http';

export interface LoadScenario {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  path: string;
  /** Called per request: body, extra headers (unique keys, tokens…) and optionally the path. */
  request?: (i: number) => { body?: unknown; headers?: Record<string, string>; path?: string };
  expectStatus?: number[];
}

export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  statuses: Record<string, number>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

/**
 * Load from `connections` keep-alive clients for `durationMs`: back-to-back (closed loop, finds the
 * saturation throughput) or, with `ratePerConnection`, each client at a fixed pace (latency at a
 * given offered load). Latency is measured per request in ms.
 */
export async function runLoad(
  baseUrl: string,
  scenario: LoadScenario,
  opts: { connections: number; durationMs: number; warmupMs?: number; ratePerConnection?: number },
): Promise<LoadResult> {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  let counter = 0;
  const once = (record: boolean, latencies: number[], statuses: Record<string, number>) =>
    new Promise<void>((resolve) => {
      const i = counter++;
      const { body, headers, path } = scenario.request?.(i) ?? {};
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const started = process.hrtime.bigint();
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: path ?? scenario.path,
          method: scenario.method,
          agent,
          headers: {
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
            ...headers,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (record) {
              latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
              statuses[String(res.statusCode)] = (statuses[String(res.statusCode)] ?? 0) + 1;
            }
            resolve();
          });
        },
      );
      req.on('error', () => {
        if (record) statuses['error'] = (statuses['error'] ?? 0) + 1;
        resolve();
      });
      if (payload) req.write(payload);
      req.end();
    });

  const phase = async (ms: number, record: boolean) => {
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    const deadline = Date.now() + ms;
    const started = Date.now();
    const interval = opts.ratePerConnection ? 1000 / opts.ratePerConnection : 0;
    await Promise.all(
      Array.from({ length: opts.connections }, async (_, c) => {
        // Paced clients start spread over one interval, then send on a fixed schedule (a late
        // answer delays only that client's next request); unpaced clients loop back-to-back.
        let next = Date.now() + (interval * c) / opts.connections;
        while (Date.now() < deadline) {
          if (interval) {
            const wait = next - Date.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            next += interval;
          }
          await once(record, latencies, statuses);
        }
      }),
    );
    return { latencies, statuses, elapsed: (Date.now() - started) / 1000 };
  };

  if (opts.warmupMs) await phase(opts.warmupMs, false);
  const { latencies, statuses, elapsed } = await phase(opts.durationMs, true);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const expected = new Set((scenario.expectStatus ?? [200]).map(String));
  const errors = Object.entries(statuses)
    .filter(([s]) => !expected.has(s))
    .reduce((n, [, c]) => n + c, 0);
  return {
    name: scenario.name,
    requests: latencies.length,
    errors,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    statuses,
  };
}

export function formatTable(results: LoadResult[]): string {
  const rows = [
    ['scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'requests', 'unexpected'],
    ...results.map((r) => [
      r.name,
      r.rps.toFixed(0),
      r.p50.toFixed(2),
      r.p95.toFixed(2),
      r.p99.toFixed(2),
      String(r.requests),
      String(r.errors),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows
    .map((row) =>
      row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    )
    .join('\n');
}

export function parseArgs(defaults: Record<string, number>): Record<string, number> {
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) continue;
    const key = m[1]!.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());
    const value = m[2] ?? argv[++i];
    if (key in out && value !== undefined) out[key] = Number(value);
  }
  return out;
}

export interface Phase {
  paced: boolean;
  /** Printable description of the load shape. */
  label: string;
  results: LoadResult[];
}

/**
 * Runs every scenario twice: paced (each client `rate` req/s — latency at a realistic offered
 * load) and back-to-back (saturation). `beforeEach` runs before each scenario (e.g. resetting
 * counters so a product limit does not turn the load into 429s).
 */
export async function runPacedAndSaturated(
  base: string,
  scenarios: LoadScenario[],
  a: { connections: number; rate: number; duration: number; warmup: number },
  beforeEach?: () => Promise<void>,
): Promise<Phase[]> {
  const phases: Phase[] = [];
  for (const paced of [true, false]) {
    const opts = {
      connections: a.connections,
      durationMs: a.duration * 1000,
      warmupMs: a.warmup * 1000,
      ...(paced ? { ratePerConnection: a.rate } : {}),
    };
    const results: LoadResult[] = [];
    for (const scenario of scenarios) {
      await beforeEach?.();
      results.push(await runLoad(base, scenario, opts));
    }
    const label = paced
      ? `paced: ${a.connections} clients × ${a.rate} req/s = ${a.connections * a.rate} req/s offered`
      : `back-to-back: ${a.connections} clients, no pause (saturation)`;
    phases.push({ paced, label, results });
  }
  return phases;
}

/** Prints a phase: the table, each scenario's p95 and throughput against the first (the baseline). */
export function printPhase(title: string, phase: Phase): void {
  const [baseline, ...rest] = phase.results as [LoadResult, ...LoadResult[]];
  console.log(`\n${title} — ${phase.label}\n`);
  console.log(formatTable(phase.results));
  console.log('');
  for (const r of rest) {
    console.log(
      `${r.name}: p95 ${r.p95.toFixed(2)} ms = ${(r.p95 / baseline.p95).toFixed(2)}x ${baseline.name} p95 (${baseline.p95.toFixed(2)} ms); throughput ${(r.rps / baseline.rps).toFixed(2)}x`,
    );
  }
  for (const r of phase.results) {
    if (r.errors) console.log(`unexpected statuses for ${r.name}:`, JSON.stringify(r.statuses));
  }
}

/**
 * Two variants of one request measured under the same load, for a with/without comparison (row-level
 * security on and off): calls alternate between them, so neither gets the quieter half of a noisy
 * machine. `record()` (after a warm-up) starts keeping each variant's latencies, by argument.
 */
export function alternate<T>(variants: [(x: T) => Promise<void>, (x: T) => Promise<void>]) {
  const samples: [Map<T, number[]>, Map<T, number[]>] = [new Map(), new Map()];
  let turn = 0;
  let recording = false;
  return {
    samples,
    record: () => {
      samples.forEach((m) => m.clear());
      recording = true;
    },
    exec: async (x: T) => {
      const v = turn++ % 2;
      const t = performance.now();
      await variants[v]!(x);
      if (!recording) return;
      const list = samples[v].get(x) ?? [];
      list.push(performance.now() - t);
      samples[v].set(x, list);
    },
  };
}
