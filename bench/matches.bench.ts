import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { CatalogueModule } from '#libs/catalogue';
import { ConfigModule, loadConfig, type AppConfig } from '#libs/config';
import {
  CustomersModule,
  HealthProfileService,
  MatchesService,
  matchCriteria,
  type HealthProfile,
  type MatchCriteria,
} from '#libs/customers';
import { ENTITIES } from '#libs/schema';
import { DbModule } from '#libs/db';
import { QueueModule } from '#libs/queue';
import { VendorsModule } from '#libs/vendors';
import { safeProductsSql } from '../libs/customers/src/matches.repository.js';
import { loadCustomers } from '../scripts/seed/customers.js';
import { ensureVendor } from '../scripts/seed/context.js';
import { loadCatalogue } from '../scripts/seed/load-catalogue.js';
import { benchEnv } from './support/api-client.js';
import { startApiChild, stopChild } from './support/child.js';
import { benchDatabase } from './support/database.js';
import { alternate, parseArgs, percentile } from './support/load.js';

/**
 * bench:matches — one vendor with 500 000 products and 1 000 000 customers. For the first
 * `--requests` customers by id (random ones, ids being uuid v5; the same ones in every run):
 *   naive   filter every product by the customer's constraints and sort all of them by the fit
 *           score, in SQL (the baseline)
 *   matches MatchesService in process (audited profile read + the best-first walk + ranking)
 *   http    GET /api/v1/customers/:id/matches on the real api process (the only one serving the load)
 *   rls-on / rls-off  the same route on that api and on a second one with DATABASE_ROW_SECURITY=false,
 *           alternating call by call under the same load: what row-level security costs
 *   naive-cat, category   the same two asked within a category (`?category=`, each in turn)
 * from 1 and 16 clients; then a diet-rule change for a condition held by ~100 000 customers,
 * timed until every one is re-derived.
 * `--vendors N` adds N − 1 vendors of the same size beside the one measured (more tenants and
 * partitions).
 * Every mode reads through a pool of `--pool` connections (default 4, twice this machine's cores;
 * see bench:search).
 * `--naive 0`, `--category 0` and `--rls 0` skip those modes (the naive query, the category pair,
 * the row-level security pair).
 * BENCH_DATABASE=<name> (with DATABASE_URL) keeps the catalogue and the customers in that database
 * and reuses them on the next run instead of seeding again (a vendor that has products is not
 * loaded twice; the rule change at the end then re-derives the same customers again).
 * Usage: npm run bench:matches -- [--products 500000] [--customers 1000000] [--requests 300] [--vendors 1] [--pool 4]
 */
const args = parseArgs({
  products: 500_000,
  customers: 1_000_000,
  requests: 300,
  clients: 16,
  vendors: 1,
  pool: 4,
  naive: 1,
  category: 1,
  rls: 1,
});

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
        CatalogueModule,
        CustomersModule,
      ],
    };
  }
}

const GOAL_SQL: Record<MatchCriteria['ordering'], string> = {
  protein_density: `least(1, coalesce(p.protein_g, 0) * 100 / greatest(coalesce(p.calories, 0), 1) / 10)`,
  satiety: `least(1, (coalesce(p.protein_g, 0) + coalesce(p.fiber_g, 0)) * 100 / greatest(coalesce(p.calories, 0), 1) / 12)`,
  low_sugar: `1 - least(1, coalesce(p.sugar_g, 25) / 25)`,
  heart: `1 - least(1, (coalesce(p.saturated_fat_g, 13) / 13 + coalesce(p.sodium_mg, 1500) / 1500) / 2)`,
};

/** The textbook query: every safe product scored (same formula as fitScore) and sorted. */
function naive(c: MatchCriteria): { sql: string; params: unknown[] } {
  const { where, params } = safeProductsSql(c);
  const limits = params(0);
  const ratios = Object.keys(c.perMealLimits).map(
    (n, i) => `coalesce(p.${n}, 0) / greatest($${6 + i}::real, 0.001)`,
  );
  const headroom = ratios.length ? `1 - least(1, greatest(${ratios.join(', ')}))` : '1';
  return {
    sql: `SELECT p.id, 50 * ${GOAL_SQL[c.ordering]} + 30 * (${headroom})
                 + 20 * least(1, coalesce(p.protein_g, 0) * 100 / greatest(coalesce(p.calories, 0), 1) / 10) AS score
            FROM products p WHERE ${where} ORDER BY score DESC, p.id LIMIT 20`,
    params: [c.excludeAllergens, c.requireTags, c.excludeTags, ...limits],
  };
}

interface Figures {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  rps: number;
}

async function run(
  n: number,
  clients: number,
  exec: (i: number) => Promise<void>,
  afterWarmUp?: () => void,
): Promise<Figures> {
  for (let i = 0; i < Math.min(n, 30); i++) await exec(i);
  afterWarmUp?.();
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < n; i = next++) {
        const t = performance.now();
        await exec(i);
        lat.push(performance.now() - t);
      }
    }),
  );
  const el = performance.now() - t0;
  lat.sort((a, b) => a - b);
  return {
    p50: percentile(lat, 50),
    p95: percentile(lat, 95),
    p99: percentile(lat, 99),
    max: lat[lat.length - 1]!,
    rps: (n / el) * 1000,
  };
}

const fmt = (f: Figures) =>
  `p50 ${f.p50.toFixed(1).padStart(6)} ms  p95 ${f.p95.toFixed(1).padStart(6)} ms  p99 ${f.p99.toFixed(1).padStart(6)} ms${Number.isNaN(f.rps) ? '' : `  ${f.rps.toFixed(0).padStart(5)} req/s`}`;

async function main(): Promise<void> {
  console.log(
    `bench:matches — ${args.products} products, ${args.customers} customers, ${args.requests} requests per run, pool of ${args.pool} connections`,
  );
  const db = await benchDatabase(process.env.DATABASE_URL ? process.env.BENCH_DATABASE : undefined);
  const config = loadConfig(benchEnv(db.url, { DATABASE_POOL_MAX: String(args.pool) }));
  const ctx = await NestFactory.createApplicationContext(BenchModule.forRoot(config), {
    logger: ['error', 'warn'],
  });
  const pool = new pg.Pool({
    connectionString: db.url,
    max: args.pool,
    options: '-c plan_cache_mode=force_custom_plan',
  });
  let api: Awaited<ReturnType<typeof startApiChild>> | null = null;
  let apiNoRls: Awaited<ReturnType<typeof startApiChild>> | null = null;
  try {
    const v = await ensureVendor(ctx, { slug: 'bench-matches', name: 'Bench', category: 'grocery' });
    const others = [];
    for (let i = 1; i < args.vendors!; i++) {
      others.push(
        await ensureVendor(ctx, {
          slug: `bench-matches-${String(i).padStart(3, '0')}`,
          name: `Bench ${i}`,
          category: 'grocery',
        }),
      );
    }
    const kept = async (id: string) =>
      (await pool.query(`SELECT count(*)::int AS n FROM products WHERE vendor_id = $1`, [id])).rows[0].n > 0;
    if (await kept(v.id)) {
      console.log(`the catalogue and customers kept in ${process.env.BENCH_DATABASE} reused`);
    } else {
      const p = await loadCatalogue(db.url, v.id, args.products!, { seed: 1 });
      console.log(`seeded ${args.products} products in ${(p.ms / 1000).toFixed(1)} s`);
      const c = await loadCustomers(db.url, v.id, args.customers!, { seed: 5 });
      console.log(
        `seeded ${args.customers} customers (with BMR, TDEE, derived limits) in ${(c.ms / 1000).toFixed(1)} s (${Math.round((args.customers! / c.ms) * 1000)} rows/s)`,
      );
    }
    for (const [i, other] of others.entries()) {
      if (await kept(other.id)) continue;
      await loadCatalogue(db.url, other.id, args.products!, { seed: 2 + i });
      await loadCustomers(db.url, other.id, args.customers!, { seed: 6 + i });
    }
    if (args.vendors! > 1) console.log(`${args.vendors! - 1} more vendors of the same size beside it`);
    await pool.query('VACUUM ANALYZE products');

    const ids: string[] = (
      await pool.query(
        `SELECT customer_id FROM customer_health WHERE vendor_id = $1 ORDER BY customer_id LIMIT $2`,
        [v.id, args.requests],
      )
    ).rows.map((r) => r.customer_id);
    const profiles: HealthProfile[] = (
      await pool.query(`SELECT * FROM customer_health WHERE vendor_id = $1 AND customer_id = ANY($2)`, [
        v.id,
        ids,
      ])
    ).rows;
    const criteria = new Map(profiles.map((pr) => [pr.customer_id, matchCriteria(pr)]));
    const restrictive = profiles.filter(
      (pr) => Object.keys(matchCriteria(pr).perMealLimits).length > 0,
    ).length;
    console.log(
      `${ids.length} customers (the first by id), ${restrictive} of them with per-meal nutrient limits`,
    );

    // the vendor's categories, for matches asked within one (a shop's category page)
    const categories: string[] = (
      await pool.query(`SELECT DISTINCT category FROM products WHERE vendor_id = $1 ORDER BY 1`, [v.id])
    ).rows.map((r) => r.category);
    const categoryOf = (i: number) => categories[(i * 7) % categories.length]!;

    const matches = ctx.get(MatchesService);
    const actor = { id: 'bench', role: 'analyst', vendorId: v.id, ip: null, userAgent: null };
    const apiEnv = benchEnv(db.url, { DATABASE_POOL_MAX: String(args.pool) });
    api = await startApiChild(apiEnv);
    // the same api without row-level security: what the wall costs
    if (args.rls) apiNoRls = await startApiChild(apiEnv, { DATABASE_ROW_SECURITY: 'false' });
    const httpOn = (port: number) => async (i: number) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/customers/${ids[i % ids.length]}/matches`, {
        headers: { authorization: `Bearer ${v.apiKey}` },
      });
      if (res.status !== 200) throw new Error(`matches ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    };
    const rls = alternate([httpOn(api.port), httpOn((apiNoRls ?? api).port)]);
    const execs: Record<string, (i: number) => Promise<void>> = {
      naive: async (i) => {
        const q = naive(criteria.get(ids[i % ids.length]!)!);
        await pool.query(q.sql, [v.id, null, ...q.params]);
      },
      matches: async (i) => {
        await matches.forCustomer(actor, v.id, ids[i % ids.length]!, {});
      },
      // the same customers, each asked within a category (every category in turn)
      'naive-cat': async (i) => {
        const q = naive(criteria.get(ids[i % ids.length]!)!);
        await pool.query(q.sql, [v.id, categoryOf(i), ...q.params]);
      },
      category: async (i) => {
        await matches.forCustomer(actor, v.id, ids[i % ids.length]!, { category: categoryOf(i) });
      },
      // the api as deployed: the only one serving the load
      http: httpOn(api.port),
      // with and without row-level security, alternating call by call under the same load
      'rls-on|rls-off': rls.exec,
    };
    const skipped = [
      ...(args.naive ? [] : ['naive', 'naive-cat']),
      ...(args.category ? [] : ['naive-cat', 'category']),
      ...(args.rls ? [] : ['rls-on|rls-off']),
    ];
    for (const name of skipped) delete execs[name];
    const results: Record<string, Record<number, Figures>> = {};
    for (const clients of [1, args.clients!]) {
      for (const [name, exec] of Object.entries(execs)) {
        if (exec !== rls.exec) {
          const f = await run(args.requests!, clients, exec);
          (results[name] ??= {})[clients] = f;
          console.log(`${name.padEnd(7)} ${String(clients).padStart(2)} client(s)  ${fmt(f)}`);
          continue;
        }
        // twice the requests: each variant gets as many as the other modes
        await run(args.requests! * 2, clients, exec, rls.record);
        rls.samples.forEach((m, v) => {
          const lat = [...m.values()].flat().sort((x, y) => x - y);
          const f = {
            p50: percentile(lat, 50),
            p95: percentile(lat, 95),
            p99: percentile(lat, 99),
            max: lat[lat.length - 1]!,
            rps: NaN,
          };
          const label = v === 0 ? 'rls-on' : 'rls-off';
          (results[label] ??= {})[clients] = f;
          console.log(`${label.padEnd(7)} ${String(clients).padStart(2)} client(s)  ${fmt(f)}`);
        });
      }
    }
    console.log('\nsummary');
    for (const clients of [1, args.clients!]) {
      const n = results.naive?.[clients];
      const m = results.matches![clients]!;
      const h = results.http![clients]!;
      if (n)
        console.log(
          `${clients} client(s): matches p95 ${m.p95.toFixed(1)} ms (http ${h.p95.toFixed(1)} ms) vs naive ${n.p95.toFixed(1)} ms: ${(n.p50 / m.p50).toFixed(1)}x at p50, ${(n.p95 / m.p95).toFixed(1)}x at p95`,
        );
      const nc = results['naive-cat']?.[clients];
      const mc = results.category?.[clients];
      if (nc && mc)
        console.log(
          `${clients} client(s), within a category: matches p95 ${mc.p95.toFixed(1)} ms (max ${mc.max.toFixed(1)} ms) vs naive ${nc.p95.toFixed(1)} ms: ${(nc.p50 / mc.p50).toFixed(1)}x at p50, ${(nc.p95 / mc.p95).toFixed(1)}x at p95`,
        );
    }
    for (const clients of [1, args.clients!]) {
      const m = results.matches![clients]!;
      const h = results.http![clients]!;
      console.log(
        `in process against HTTP, ${clients} client(s): p50 ${m.p50.toFixed(1)} / ${h.p50.toFixed(1)} ms, p95 ${m.p95.toFixed(1)} / ${h.p95.toFixed(1)} ms (HTTP p95 ${(h.p95 / m.p95).toFixed(2)}× in process)`,
      );
    }
    for (const clients of args.rls ? [1, args.clients!] : []) {
      const on = results['rls-on']![clients]!;
      const off = results['rls-off']![clients]!;
      console.log(
        `row-level security, ${clients} client(s): http p95 ${on.p95.toFixed(1)} ms with, ${off.p95.toFixed(1)} ms without (${((on.p95 / off.p95 - 1) * 100).toFixed(1)} %; target ≤ +10 %)`,
      );
    }

    const holders: number = (
      await pool.query(
        `SELECT count(*)::int AS n FROM customer_health WHERE vendor_id = $1 AND conditions @> '{diabetes}'`,
        [v.id],
      )
    ).rows[0].n;
    const t = performance.now();
    const recomputed = await ctx.get(HealthProfileService).recomputeForCondition(actor, v.id, 'diabetes');
    console.log(
      `rule change for "diabetes": ${recomputed} of ${holders} holders re-derived in ${((performance.now() - t) / 1000).toFixed(1)} s (set-based, one statement)`,
    );
    console.log(
      `targets: p95 ≤ 25 ms one client, ≤ 200 ms at ${args.clients} clients, ≥ 5x naive; 100 000 re-derived ≤ 30 s`,
    );
  } finally {
    if (api) await stopChild(api.child);
    if (apiNoRls) await stopChild(apiNoRls.child);
    await pool.end();
    await ctx.close();
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
