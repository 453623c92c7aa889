import { MigrationInterface, QueryRunner } from 'typeorm';
// the source files themselves, not the libs' indexes: data sources load the migrations
import { createFunctions, createViews } from '../libs/db/src/schema-source.js';
import { FUNCTIONS, VIEWS } from '../libs/schema/src/published.js';

/**
 * The schema's code moves to its owners' source (libs/db schema-source.ts):
 * - the views libs publish for other libs to read instead of their tables: `catalogue_products`
 *   (matches, insights), `vendor_directory` (insights, webhooks), `ingest_completions` (insights),
 *   `calculator_answers` (reports) — each `security_invoker`, so row-level security applies to the
 *   reader as on the table;
 * - BMR and TDEE (`mifflin_st_jeor`, `activity_factor`) re-created from libs/energy, the one
 *   definition the calculator uses too (the same factors and constants, one scale).
 */
export class SchemaSource1795222300000 implements MigrationInterface {
  name = 'SchemaSource1795222300000';

  async up(q: QueryRunner): Promise<void> {
    await createViews(q, VIEWS.catalogue!, { catalogue_products: '45750cde24e2' });
    await createViews(q, VIEWS.vendors!, { vendor_directory: 'ac4f5dbea0c0' });
    await createViews(q, VIEWS.ingestion!, { ingest_completions: '1bbdf68c39bc' });
    await createViews(q, VIEWS.calculator!, { calculator_answers: '8896e38350a3' });
    await createFunctions(q, FUNCTIONS.customers!, {
      activity_factor: '3425d51cc98a',
      mifflin_st_jeor: 'fac811c392c9',
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const views of Object.values(VIEWS))
      for (const name of Object.keys(views)) await q.query(`DROP VIEW IF EXISTS ${name}`);
    // the functions compute the same as before: their earlier text is not restored
  }
}
