import type { VendorId } from '#libs/common';
import { Injectable } from '@nestjs/common';
import { ReplicaReader, type Product, type ReadSource } from '#libs/db';

interface Reader {
  query(sql: string, params?: unknown[]): Promise<SearchHit[]>;
}
import { NUTRIENTS, type ProductListing } from './product.types.js';

export interface SearchFilters {
  category?: string;
  tags?: string[];
  excludeAllergens?: string[];
  inStock?: boolean;
}

/** A search result: the product's listing fields and nutrients, its match tier and rank. */
export type SearchHit = ProductListing & Pick<Product, 'in_stock'> & { tier: number; rank: number };

export interface RankCursor {
  tier: number;
  rank: number;
  id: string;
}

export type { ReadSource };

const HIT_COLUMNS = `id, external_id, name, brand, category, price_cents, currency, ${NUTRIENTS.join(', ')},
  serving_size_g, dietary_tags, allergens, in_stock`;

/**
 * Filters as SQL over alias p, parameters $3..$6 (NULL switches a filter off at plan time). With
 * words, the tag test is kept away from the tags GIN index (`IS TRUE`): the planner would AND the
 * bitmap of a common tag (a fifth of the catalogue) with a handful of word matches, costing more
 * than checking the tag on those rows.
 */
const filterSql = (tagsIndexed: boolean) => `($3::text IS NULL OR p.category = $3)
  AND ($4::text[] IS NULL OR ${tagsIndexed ? 'p.dietary_tags @> $4' : '(p.dietary_tags @> $4) IS TRUE'})
  AND ($5::text[] IS NULL OR NOT (p.allergens && $5))
  AND ($6::boolean IS NULL OR p.in_stock = $6)`;

/**
 * Catalogue search, read from a replica when DATABASE_REPLICA_URLS is set.
 *
 * Ranking every match of a common word (the naive `ORDER BY ts_rank LIMIT 20`) visits every
 * matching row — 200+ ms for a word in most of 500 000 products. Instead results come in two
 * tiers — products whose name, brand or category match (GIN on title_tsv), then those matching
 * only in the description or ingredients — and each tier ranks a bounded window of at most
 * `candidates` matches with ts_rank, paged by keyset. Words with fewer matches than the window
 * (most queries) are ranked exactly; for very common words the window is the first `candidates`
 * matches, which a shopper cannot tell from the exact order.
 */
@Injectable()
export class SearchRepository {
  constructor(private readonly replica: ReplicaReader) {}

  async ranked(
    vendorId: VendorId,
    tsquery: string,
    filters: SearchFilters,
    page: { limit: number; after?: RankCursor; candidates: number },
  ): Promise<{ hits: SearchHit[]; source: ReadSource }> {
    return this.onReadReplica(async (run) => {
      const after = page.after;
      let hits: SearchHit[] = [];
      // Title matches rank above every text-only match, so the text tier is read only once the
      // title tier cannot fill the page (most pages never touch it).
      if (!after || after.tier === 0) {
        hits = await run.query(
          tierSql(0),
          tierParams(vendorId, tsquery, filters, page.candidates, after, page.limit),
        );
      }
      if (hits.length < page.limit) {
        const textAfter = after?.tier === 1 ? after : undefined;
        const more = await run.query(
          tierSql(1),
          tierParams(vendorId, tsquery, filters, page.candidates, textAfter, page.limit - hits.length),
        );
        hits = hits.concat(more);
      }
      return hits;
    });
  }

  /** Without words: the filtered catalogue in id order. */
  async browse(
    vendorId: VendorId,
    filters: SearchFilters,
    page: { limit: number; afterId?: string },
  ): Promise<{ hits: SearchHit[]; source: ReadSource }> {
    return this.onReadReplica((run) =>
      run.query(
        `SELECT 0 AS tier, 0::real AS rank, ${prefixed('p')} FROM products p
          WHERE p.vendor_id = $1 AND ($2::uuid IS NULL OR p.id > $2) AND ${filterSql(true)}
          ORDER BY p.id LIMIT $7`,
        [vendorId, page.afterId ?? null, ...filterParams(filters), page.limit],
      ),
    );
  }

  private onReadReplica(
    read: (run: Reader) => Promise<SearchHit[]>,
  ): Promise<{ hits: SearchHit[]; source: ReadSource }> {
    return this.replica
      .read((run) => read(run as Reader))
      .then(({ result, source }) => ({ hits: result, source }));
  }
}

/**
 * One tier's page: at most `candidates` matches (tier 0: name/brand/category via title_tsv's GIN
 * index; tier 1: matches only in the description/ingredients), ranked with ts_rank, after the
 * cursor. Parameters: $1 vendor, $2 tsquery, $3–$6 filters, $7 window, $8/$9 cursor, $10 limit.
 */
function tierSql(tier: 0 | 1): string {
  const match =
    tier === 0
      ? `p.title_tsv @@ to_tsquery('english', $2)`
      : `p.search_tsv @@ to_tsquery('english', $2) AND NOT (p.title_tsv @@ to_tsquery('english', $2))`;
  return `WITH c AS (
      SELECT ${prefixed('p')}, p.search_tsv FROM products p
       WHERE p.vendor_id = $1 AND ${match} AND ${filterSql(false)}
       LIMIT $7),
    r AS (SELECT c.*, ts_rank(c.search_tsv, to_tsquery('english', $2)) AS rank FROM c)
    SELECT ${tier} AS tier, rank, ${HIT_COLUMNS} FROM r
     WHERE $8::real IS NULL OR rank < $8::real OR (rank = $8::real AND id > $9::uuid)
     ORDER BY rank DESC, id
     LIMIT $10`;
}

function tierParams(
  vendorId: VendorId,
  tsquery: string,
  filters: SearchFilters,
  candidates: number,
  after: RankCursor | undefined,
  limit: number,
): unknown[] {
  return [
    vendorId,
    tsquery,
    ...filterParams(filters),
    candidates,
    after?.rank ?? null,
    after?.id ?? null,
    limit,
  ];
}

function prefixed(alias: string): string {
  return HIT_COLUMNS.split(',')
    .map((c) => `${alias}.${c.trim()}`)
    .join(', ');
}

function filterParams(f: SearchFilters): unknown[] {
  return [
    f.category ?? null,
    f.tags?.length ? f.tags : null,
    f.excludeAllergens?.length ? f.excludeAllergens : null,
    f.inStock ?? null,
  ];
}
