import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { configFor, migrateAll, resolveDatabase } from './database.js';
import { ensureVendor, seedContext } from './seed/context.js';
import { loadCustomers } from './seed/customers.js';
import { loadCatalogue } from './seed/load-catalogue.js';

/**
 * `npm run seed:scale -- [--vendor big-shop] [--products 500000] [--customers 1000000] [--seed 7]`: a
 * realistic catalogue and customer base of any size for one vendor (default `scale-vendor`, created
 * when missing), streamed in with COPY (customers' BMR, TDEE and derived limits by the api's own
 * SQL functions).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      vendor: { type: 'string', default: 'scale-vendor' },
      products: { type: 'string', default: '0' },
      customers: { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
    },
  });
  const count = Number(values.products);
  const customers = Number(values.customers);
  if (
    !values.vendor ||
    !/^[a-z0-9-]{1,63}$/.test(values.vendor) ||
    !Number.isInteger(count) ||
    !Number.isInteger(customers) ||
    count < 0 ||
    customers < 0 ||
    count + customers === 0
  ) {
    throw new Error(
      'usage: npm run seed:scale -- --vendor <slug> [--products <n>] [--customers <n>] [--seed <n>]',
    );
  }
  const db = await resolveDatabase((line) => console.log(line));
  const config = configFor(db.url);
  await migrateAll(config);
  const ctx = await seedContext(config);
  try {
    const vendor = await ensureVendor(ctx, { slug: values.vendor, name: values.vendor, category: 'grocery' });
    if (count > 0) {
      const { ms } = await loadCatalogue(db.url, vendor.id, count, {
        seed: Number(values.seed),
        log: (line) => console.log(line),
      });
      console.log(
        `${count} products for "${values.vendor}" (${vendor.id}) in ${(ms / 1000).toFixed(1)} s (${Math.round((count / ms) * 1000)} rows/s)`,
      );
    }
    if (customers > 0) {
      const { ms } = await loadCustomers(db.url, vendor.id, customers, {
        seed: Number(values.seed),
        log: (line) => console.log(line),
      });
      console.log(
        `${customers} customers for "${values.vendor}" in ${(ms / 1000).toFixed(1)} s (${Math.round((customers / ms) * 1000)} rows/s, with derivations)`,
      );
    }
    console.log(`API key (admin, shown once): ${vendor.apiKey}`);
  } finally {
    await ctx.close();
    await db.embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
