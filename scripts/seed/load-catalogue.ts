import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { uuidV5 } from '#libs/vendors';
import { CatalogueGenerator, PRODUCT_COLUMNS, productCsvLine } from './catalogue.js';

/**
 * Streams `count` generated products for a vendor into Postgres with COPY. Into an empty vendor
 * partition the rows go straight in (ids computed here, uuid_v5 like the database); otherwise
 * through a temporary table and an upsert, so seeding twice is harmless. Then ANALYZE.
 */
export async function loadCatalogue(
  url: string,
  vendorId: string,
  count: number,
  opts: { seed?: number; prefix?: string; log?: (line: string) => void } = {},
): Promise<{ rows: number; ms: number }> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: url, application_name: 'seed' });
  await client.connect();
  try {
    await client.query(`SET synchronous_commit = off`);
    const partition = client.escapeIdentifier(`products_${vendorId.replace(/-/g, '')}`);
    const { rows } = await client.query(`SELECT EXISTS (SELECT 1 FROM ${partition}) AS any`);
    const empty = !rows[0].any;
    const gen = new CatalogueGenerator(opts.seed ?? 42);
    const prefix = opts.prefix ?? 'SKU';
    const columns = `vendor_id, id, ${PRODUCT_COLUMNS.join(', ')}`;
    function* lines(): Generator<string> {
      let batch = '';
      for (let i = 0; i < count; i++) {
        const p = gen.product(i, prefix);
        batch += `${vendorId},${uuidV5(vendorId, p.external_id)},${productCsvLine(p, 'pg')}`;
        if (batch.length > 1 << 20) {
          yield batch;
          batch = '';
        }
      }
      if (batch) yield batch;
    }
    if (empty) {
      await pipeline(
        Readable.from(lines()),
        client.query(copyStreams.from(`COPY products (${columns}) FROM STDIN (FORMAT csv)`)),
      );
    } else {
      await client.query('BEGIN');
      await client.query(`CREATE TEMP TABLE seed_products (LIKE products INCLUDING DEFAULTS) ON COMMIT DROP`);
      await pipeline(
        Readable.from(lines()),
        client.query(copyStreams.from(`COPY seed_products (${columns}) FROM STDIN (FORMAT csv)`)),
      );
      await client.query(
        `INSERT INTO products (${columns}) SELECT ${columns} FROM seed_products
         ON CONFLICT (vendor_id, id) DO UPDATE SET ${PRODUCT_COLUMNS.filter((c) => c !== 'external_id')
           .map((c) => `${c} = EXCLUDED.${c}`)
           .join(', ')}, updated_at = now()`,
      );
      await client.query('COMMIT');
    }
    opts.log?.(`copied ${count} products in ${((Date.now() - started) / 1000).toFixed(1)} s; analysing`);
    await client.query(`ANALYZE ${partition}`);
    return { rows: count, ms: Date.now() - started };
  } finally {
    await client.end();
  }
}
