import { Injectable } from '@nestjs/common';
import {
  vendorPartition,
  type BulkCounts,
  type BulkJob,
  type BulkSession,
  type BulkTarget,
  type LineWarning,
  type LoadPlan,
  type StagedColumn,
} from '#libs/db';
import { splitList } from '#libs/food-vocabulary';
import { Product } from '../catalogue.entities.js';
import { productCodes } from '../product-codes.js';
import {
  catalogueDigestsSql,
  digestsInMemory,
  productsBatchSql,
  productsChangedSql,
  productsLoadSql,
  skipStrategy,
  skipUnchangedSql,
} from './products-bulk-sql.js';

/**
 * Room left on each page of a loaded catalogue for the next version of its rows: a re-ingest that
 * changes prices or stock then updates in place (HOT: no index touched), see productsBatchSql.
 * The same as create_vendor_partitions gives (test/integration/migrations.spec.ts compares them).
 */
export const PRODUCT_FILLFACTOR = 85;

/**
 * Products files into the catalogue. A re-ingest sets aside the lines whose product still carries
 * their digest, finds which of the rest would change anything (in parallel, read-only), and merges
 * only those, batch by batch; a vendor's first load is built beside the live partition and swapped
 * in. Codes are stored as an API write stores them.
 */
/** A line's allergens and tags as stored, and its warnings or null. */
type Canonical = [allergens: string, tags: string, warnings: readonly LineWarning[] | null];
/** Distinct (allergens, tags) cell pairs remembered per ingest before starting over (~30 MB). */
const CANONICAL_CACHE_SIZE = 100_000;
/** A string that shares no memory with the text it was cut from (V8 keeps a slice's parent alive). */
const ownCopy = (text: string): string => (' ' + text).slice(1);

@Injectable()
export class ProductsBulkTarget implements BulkTarget {
  readonly digests = true;
  readonly withholdValues = false;
  // one row per id, and the figures' change log is insert-only
  readonly independentBatches = true;
  // the merge joins lines to products by id, and reads them in line ranges
  readonly batchStatistics = ['line_no', 'id'];

  parents(): string[] {
    return ['products'];
  }

  lineTransform(columns: StagedColumn[]): ((values: string[]) => readonly LineWarning[] | null) | undefined {
    const a = columns.findIndex((c) => c.column === 'allergens');
    const t = columns.findIndex((c) => c.column === 'dietary_tags');
    if (a < 0 && t < 0) return undefined;
    const canonical = (allergenCell: string, tagCell: string): Canonical => {
      const codes = productCodes(a >= 0 ? splitList(allergenCell) : [], t >= 0 ? splitList(tagCell) : []);
      const warnings = codes.warnings.length
        ? codes.warnings.map((w) => ({
            column: columns[w.field === 'allergens' ? a : t]!.header,
            code: w.code,
            reason: w.reason,
            message: w.message,
          }))
        : null;
      return [codes.allergens.join('|'), codes.dietary_tags.join('|'), warnings];
    };
    // A catalogue repeats a few hundred allergen lists and a few thousand tag lists over millions
    // of lines: each pair of cells is put through the vocabulary once (bounded: cleared when full).
    const seen = new Map<string, Canonical>();
    return (values) => {
      const allergenCell = a >= 0 ? values[a]! : '';
      const tagCell = t >= 0 ? values[t]! : '';
      const key = `${allergenCell}\u0000${tagCell}`;
      let done = seen.get(key);
      if (done === undefined) {
        if (seen.size >= CANONICAL_CACHE_SIZE) seen.clear();
        done = canonical(allergenCell, tagCell);
        // the cells are slices of the file's decoded text: a key made of them would keep it all alive
        seen.set(ownCopy(key), done);
      }
      if (a >= 0) values[a] = done[0];
      if (t >= 0) values[t] = done[1];
      return done[2];
    };
  }

  /** The catalogue's digests, when the file is a good share of it (see digestsInMemory). */
  async unchangedDigests(job: BulkJob, session: BulkSession, fileBytes: number): Promise<string | null> {
    const catalogue = await session.rowEstimate(vendorPartition('products', job.vendorId));
    return digestsInMemory(fileBytes, catalogue) ? catalogueDigestsSql(job.vendorId) : null;
  }

  async setAsideUnchanged(job: BulkJob, session: BulkSession, lines: number, marked: boolean): Promise<void> {
    const { stage, skipped } = job.tables;
    await session.client.query(
      `CREATE UNLOGGED TABLE ${skipped} (line_no bigint NOT NULL, id uuid NOT NULL, external_id text NOT NULL)
         WITH (autovacuum_enabled = off)`,
    );
    const strategy = marked
      ? 'marked'
      : skipStrategy(lines, await session.rowEstimate(vendorPartition('products', job.vendorId)));
    await session.parallel(
      Array.from({ length: job.parts }, (_, k) =>
        skipUnchangedSql(stage, skipped, job.vendorId, job.externalIdColumn, k, job.parts, strategy),
      ),
    );
  }

  /**
   * Which lines would change the catalogue, found on INGEST_PARALLELISM connections (the
   * comparison of every line with its product is most of a re-ingest's work, and read-only).
   * Recomputed on a resumed run: lines merged before are unchanged by then.
   */
  async prepareMerge(job: BulkJob, session: BulkSession): Promise<void> {
    const { typed, changed } = job.tables;
    await session.client.query(`DROP TABLE IF EXISTS ${changed}`);
    await session.client.query(
      `CREATE UNLOGGED TABLE ${changed} (line_no bigint NOT NULL, existed boolean NOT NULL, same_text boolean NOT NULL)
         WITH (autovacuum_enabled = off)`,
    );
    await session.parallel(
      Array.from({ length: job.parts }, (_, part) =>
        productsChangedSql(typed, changed, job.vendorId, job.columns, part, job.parts),
      ),
    );
    await session.client.query(`ALTER TABLE ${changed} ADD PRIMARY KEY (line_no)`);
    await session.client.query(`ANALYZE ${changed}`);
  }

  async mergeBatch(
    job: BulkJob,
    { client }: BulkSession,
    { from, to }: { from: number; to: number },
  ): Promise<BulkCounts> {
    const { typed, changed, skipped } = job.tables;
    const sql = productsBatchSql(typed, changed, skipped, job.vendorId, job.columns);
    const r = await client.query<{ inserted: number; updated: number; total: number }>(sql.upsert, [
      from,
      to,
    ]);
    const { inserted, total } = r.rows[0]!;
    let { updated } = r.rows[0]!;
    if (sql.update) {
      // a few thousand products by key: index lookups, never a hash of the whole catalogue
      await client.query(`SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off`);
      updated += (await client.query<{ updated: number }>(sql.update, [from, to])).rows[0]!.updated;
    }
    return { inserted, updated, unchanged: total - inserted - updated };
  }

  firstLoad(job: BulkJob): Promise<LoadPlan> {
    const { typed, load } = job.tables;
    return Promise.resolve({
      trees: [
        {
          parent: 'products',
          entity: Product,
          load,
          leafOptions: ` WITH (fillfactor = ${PRODUCT_FILLFACTOR})`,
        },
      ],
      fill: Array.from({ length: job.parts }, (_, part) =>
        productsLoadSql(typed, load, job.vendorId, job.columns, part, job.parts),
      ),
    });
  }
}
