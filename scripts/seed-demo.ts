import 'reflect-metadata';
import { configFor, migrateAll, resolveDatabase } from './database.js';
import { ensureVendor, seedContext } from './seed/context.js';
import { loadCatalogue } from './seed/load-catalogue.js';

/** `npm run seed:demo`: a demo vendor with a few thousand products, and an API key to try it. */
async function main(): Promise<void> {
  const db = await resolveDatabase((line) => console.log(line));
  const config = configFor(db.url);
  await migrateAll(config);
  const ctx = await seedContext(config);
  try {
    const vendor = await ensureVendor(ctx, {
      slug: 'demo-grocer',
      name: 'Demo Grocer',
      category: 'grocery',
      description: 'A demonstration catalogue of generated products.',
    });
    const { ms } = await loadCatalogue(db.url, vendor.id, 3000, { seed: 2026, prefix: 'DEMO' });
    console.log(
      `demo vendor "demo-grocer" (${vendor.id}) ${vendor.created ? 'created' : 'updated'}; 3000 products in ${ms} ms`,
    );
    console.log(`API key (admin, shown once): ${vendor.apiKey}`);
    console.log(
      `try: curl -H "Authorization: Bearer ${vendor.apiKey}" "${config.http.publicBaseUrl}/api/v1/search?q=choc"`,
    );
  } finally {
    await ctx.close();
    await db.embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
