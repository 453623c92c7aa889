import { capturedSql, snapshotText, sqlSnapshotRegistry } from '../../db/src/generate-sql.js';
import {
  productsBatchSql,
  productsChangedSql,
  skipUnchangedSql,
} from '../../catalogue/src/bulk/products-bulk-sql.js';
import { batchSql } from '../../customers/src/import/import-sql.js';
import { mapHeaders } from '../../ingestion/src/fields.js';
import { typedSql } from '../../ingestion/src/sql.js';
// the repositories whose methods are marked @GenerateSql (importing them registers the marks)
import '../../catalogue/src/products.repository.js';
import '../../catalogue/src/search.repository.js';
import '../../customers/src/health.repository.js';
import '../../customers/src/matches.repository.js';
import '../../reports/src/access/report-access.repository.js';

const VENDOR = '00000000-0000-4000-8000-00000000000a';

/** The file a product CSV with nutrients per 100 g, codes and a price gives (the ingest snapshots'). */
const PRODUCTS_FILE = mapHeaders('products', [
  'sku',
  'name',
  'price',
  'Energy (kJ/100 g)',
  'Protein per 100g',
  'serving_size_g',
  'allergens',
  'in_stock',
]);

const PRODUCT_COLUMNS = [
  'name',
  'price_cents',
  'calories',
  'protein_g',
  'serving_size_g',
  'allergens',
  'in_stock',
];
const CUSTOMER_COLUMNS = [
  'email',
  'sex',
  'birth_date',
  'height_cm',
  'weight_kg',
  'activity_level',
  'conditions',
];

/**
 * Statements built by functions rather than sent by a repository: the bulk paths of ingestion
 * (the catalogue's and the customers lib's targets, the pipeline's typing of a file).
 */
const BUILT: Record<string, () => { params: unknown[]; statements: string[] }> = {
  'ProductsBulk.changed.two-parts': () => ({
    params: [],
    statements: [productsChangedSql('typed', 'changed', VENDOR, PRODUCT_COLUMNS, 0, 2)],
  }),
  'ProductsBulk.batch.price-and-text': () => {
    const sql = productsBatchSql('typed', 'changed', 'skipped', VENDOR, PRODUCT_COLUMNS);
    return { params: ['$1 first line', '$2 line after the batch'], statements: [sql.upsert, sql.update!] };
  },
  'ProductsBulk.skipUnchanged.probe': () => ({
    params: [],
    statements: [skipUnchangedSql('stage', 'skipped', VENDOR, 'f_external_id', 0, 2, 'probe')],
  }),
  'ProductsBulk.skipUnchanged.marked': () => ({
    params: [],
    statements: [skipUnchangedSql('stage', 'skipped', VENDOR, 'f_external_id', 0, 2, 'marked')],
  }),
  'CustomersBulk.batch.identity-and-health': () => ({
    params: ['$1 first line', '$2 line after the batch'],
    statements: [batchSql({ table: 'typed', limits: 'limits', columns: CUSTOMER_COLUMNS }, VENDOR)],
  }),
  'Ingest.typed.products-per-100g': () => ({
    params: [],
    statements: [typedSql('stage', 'typed', VENDOR, PRODUCTS_FILE, 2, true).fill[0]!],
  }),
};

/** Every snapshot: file name (without .sql) → its text. */
export async function sqlSnapshots(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const r of sqlSnapshotRegistry()) {
    for (const example of r.examples) {
      const statements = await capturedSql(r.target, r.method, example.params);
      out[`${r.target.name}.${r.method}.${example.name}`] = snapshotText(statements, example.params);
    }
  }
  for (const [name, build] of Object.entries(BUILT)) {
    const { params, statements } = build();
    out[name] = snapshotText(statements, params);
  }
  return out;
}
