import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ConfigModule, loadConfig, type AppConfig } from '#libs/config';
import { ENTITIES } from '#libs/schema';
import { DbModule } from '#libs/db';
import { QueueModule } from '#libs/queue';
import { VendorsModule } from '#libs/vendors';
import { WebhookEventsService, WebhooksModule, WebhooksService } from '#libs/webhooks';
import { ensureVendor } from '../scripts/seed/context.js';
import { benchEnv } from './support/api-client.js';
import { benchDatabase } from './support/database.js';
import { parseArgs, percentile } from './support/load.js';

/**
 * bench:webhooks — one worker process (webhook.deliver only) delivering to a loopback receiver:
 *   1. throughput: `--burst` events queued at once, deliveries/s from the first receipt to the last;
 *   2. latency: a steady `--rate` events/s for `--duration` s, emit (commit) → receipt p50/p95/p99.
 * Baseline in the same run: a bare loop POSTing the same signed body to the same receiver.
 * Usage: npm run bench:webhooks -- [--burst 5000] [--rate 100] [--duration 20]
 */
const args = parseArgs({ burst: 5000, rate: 100, duration: 20 });

@Module({})
class BenchModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: BenchModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule.forRoot('bench', { entities: ENTITIES }),
        QueueModule.forRoot('producer'),
        VendorsModule,
        WebhooksModule,
      ],
    };
  }
}

async function main(): Promise<void> {
  console.log(`bench:webhooks — burst ${args.burst}, then ${args.rate} events/s for ${args.duration} s`);
  const received = new Map<string, number>();
  let firstAt = 0;
  let lastAt = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (!received.has(id)) received.set(id, performance.timeOrigin + performance.now());
      lastAt = performance.now();
      if (!firstAt) firstAt = lastAt;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  const db = await benchDatabase();
  const env = {
    NODE_ENV: 'development',
    WEBHOOKS_ALLOW_HTTP: 'true',
    WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig({ ...benchEnv(db.url), ...env });
  const ctx = await NestFactory.createApplicationContext(BenchModule.forRoot(config), {
    logger: ['error', 'warn'],
  });
  let worker: ChildProcess | null = null;
  try {
    const vendor = await ensureVendor(ctx, { slug: 'bench-hooks', name: 'Bench', category: 'grocery' });
    const admin = { id: 'bench', role: 'admin', vendorId: vendor.id, ip: null, userAgent: null };
    await ctx
      .get(WebhooksService)
      .create(admin, vendor.id, { url: receiverUrl, events: ['product.deleted'] });
    const events = ctx.get(WebhookEventsService);
    const ds = ctx.get(DataSource);
    const emitted = new Map<string, number>();
    const emit = async (n: number) =>
      ds.transaction(async (m) => {
        const ids: string[] = [];
        for (let i = 0; i < n; i++)
          ids.push((await events.emit(m, vendor.id, 'product.deleted', { product_id: `p-${i}` })).eventId);
        return ids;
      });

    // Baseline: the same receiver, plain POSTs from one process with 32 in flight.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const body = JSON.stringify({ id: 'x', type: 'product.deleted', data: { product_id: 'p' } });
    const baseN = 5000;
    let next = 0;
    const tb = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next++ < baseN) {
          await new Promise<void>((resolve, reject) => {
            const req = http.request(
              receiverUrl,
              { method: 'POST', agent, headers: { 'webhook-id': `base-${next}` } },
              (res) => {
                res.resume();
                res.on('end', resolve);
              },
            );
            req.on('error', reject);
            req.end(body);
          });
        }
      }),
    );
    const baseline = (baseN / (performance.now() - tb)) * 1000;
    console.log(`baseline: bare keep-alive POSTs to the receiver: ${baseline.toFixed(0)}/s`);
    received.clear();

    // 1. Throughput: queue the burst with no worker running, then start one.
    for (let done = 0; done < args.burst!; done += 500) await emit(Math.min(500, args.burst! - done));
    firstAt = 0;
    worker = spawn(
      process.execPath,
      [fileURLToPath(new URL('../apps/worker/src/main.js', import.meta.url))],
      {
        env: { ...benchEnv(db.url), ...env, WORKER_QUEUES: 'webhook.deliver' },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const deadline = Date.now() + 600_000;
    while (received.size < args.burst! && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const throughput = (received.size / (lastAt - firstAt)) * 1000;
    console.log(
      `throughput: ${received.size} deliveries by one worker in ${((lastAt - firstAt) / 1000).toFixed(1)} s = ${throughput.toFixed(0)} deliveries/s (${((throughput / baseline) * 100).toFixed(0)} % of the bare-POST baseline)`,
    );

    // 2. Latency at a steady rate: one transaction per event, emit time = commit.
    received.clear();
    const interval = 1000 / args.rate!;
    const total = args.rate! * args.duration!;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const [id] = await emit(1);
      emitted.set(id!, performance.timeOrigin + performance.now());
    }
    const until = Date.now() + 30_000;
    while (received.size < total && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const lat = [...emitted].map(([id, at]) => (received.get(id) ?? Infinity) - at).sort((a, b) => a - b);
    console.log(
      `latency at ${args.rate} events/s (${total} events, ${received.size} received): emit→receipt p50 ${percentile(lat, 50).toFixed(0)} ms, p95 ${percentile(lat, 95).toFixed(0)} ms, p99 ${percentile(lat, 99).toFixed(0)} ms`,
    );
    console.log('targets: ≥ 500 deliveries/s per worker; p95 emit→receipt ≤ 1 s');
  } finally {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
    await ctx.close();
    await db.close();
    server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
