import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

interface Reader {
  query(sql: string, params?: unknown[]): Promise<SearchHit[]>;
}
import { NUTRIENTS } from './product.types.js';

export interface SearchFilters {
  category?: string;
  tags?: string[];
  excludeAllergens?: string[];
  inStock?: boolean;
}

export interface SearchHit {
  id: string;
  external_id: string;
  name: string;
  brand: string | null;
  category: string | null;
  price_cents: number | null;
  currency: string;
  serving_size_g: number | null;
  dietary_tags: string[];
  allergens: string[];
  in_stock: boolean;
  tier: number;
  rank: number;
  [nutrient: string]: unknown;
}

export interface RankCursor {
  tier: number;
  rank: number;
  id: string;
}

export interface ReadSource {
  /** True when the rows came from a streaming replica. */
  replica: boolean;
  /** How far the replica's replay is behind what it has received (0 on the primary). */
  lagMs: number;
}

const HIT_COLUMNS = `id, external_id, name, brand, category, price_cents, currency, ${NUTRIENTS.join(', ')},
  serving_size_g, dietary_tags, allergens, in_stock`;

/** Filters as SQL over alias p, parameters $3..$6 (NULL switches a filter off at plan time). */
const FILTERS = `($3::text IS NULL OR p.category = $3)
  AND ($4::text[] IS NULL OR p.dietary_tags @> $4)
  AND ($5::text[] IS NULL OR NOT (p.allergens && $5))
  AND ($6::boolean IS NULL OR p.in_stock = $6)`;

/**
 * Catalogue search, read from a replica when DATABASE_REPLICA_URLS is set.
 *
 * Ranking every match of a common word (the naive `ORDER BY ts_rank LIMIT 20`) visits every
 * matching row — 200+ ms for a word in most of 500 000 products. Instead the matches are taken
 * best-first into a bounded candidate window: first the products whose name, brand or category
 * match (GIN on title_tsv), then those matching only in the description or ingredients, at most
 * `candidates` rows in all; the window is then ranked with ts_rank (tier first) and paged by
 * keyset. Rare and medium words (fewer matches than the window) are ranked exactly; for very
 * common words the window is the first `candidates` title matches, which a shopper cannot tell
 * from the exact order.
 */
@Injectable()
export class SearchRepository {
  private readonly logger = new Logger(SearchRepository.name);

  constructor(private readonly db: DataSource) {}

  async ranked(
    vendorId: string,
    tsquery: string,
    filters: SearchFilters,
    page: { limit: number; after?: RankCursor; candidates: number },
  ): Promise<{ hits: SearchHit[]; source: ReadSource }> {
    return this.onReadReplica((run) =>
      run.query(
        `WITH c AS (
           (SELECT 0 AS tier, ${prefixed('p')}, p.search_tsv FROM products p
             WHERE p.vendor_id = $1 AND p.title_tsv @@ to_tsquery('english', $2) AND ${FILTERS})
           UNION ALL
           (SELECT 1 AS tier, ${prefixed('p')}, p.search_tsv FROM products p
             WHERE p.vendor_id = $1 AND p.search_tsv @@ to_tsquery('english', $2)
               AND NOT (p.title_tsv @@ to_tsquery('english', $2)) AND ${FILTERS})
           LIMIT $7),
         r AS (SELECT c.*, ts_rank(c.search_tsv, to_tsquery('english', $2)) AS rank FROM c)
         SELECT tier, rank, ${HIT_COLUMNS} FROM r
          WHERE $8::int IS NULL
             OR tier > $8 OR (tier = $8 AND (rank < $9::real OR (rank = $9::real AND id > $10::uuid)))
          ORDER BY tier, rank DESC, id
          LIMIT $11`,
        [
          vendorId,
          tsquery,
          ...filterParams(filters),
          page.candidates,
          page.after?.tier ?? null,
          page.after?.rank ?? null,
          page.after?.id ?? null,
          page.limit,
        ],
      ),
    );
  }

  /** Without words: the filtered catalogue in id order. */
  async browse(
    vendorId: string,
    filters: SearchFilters,
    page: { limit: number; afterId?: string },
  ): Promise<{ hits: SearchHit[]; source: ReadSource }> {
    return this.onReadReplica((run) =>
      run.query(
        `SELECT 0 AS tier, 0::real AS rank, ${prefixed('p')} FROM products p
          WHERE p.vendor_id = $1 AND ($2::uuid IS NULL OR p.id > $2) AND ${FILTERS}
          ORDER BY p.id LIMIT $7`,
        [vendorId, page.afterId ?? null, ...filterParams(filters), page.limit],
      ),
    );
  }

  /**
   * Runs a read on a replica (TypeORM picks one) and measures its lag on the same connection. A
   * replica that cannot be reached falls back to the primary rather than failing the search.
   */
  private async onReadReplica(
    read: (run: Reader) => Promise<SearchHit[]>,
  ): Promise<{ hits: SearchHit[]; source: ReadSource }> {
    const replicated = (this.db.options as { replication?: unknown }).replication !== undefined;
    if (!replicated) {
      return { hits: await read(this.db), source: { replica: false, lagMs: 0 } };
    }
    let runner: ReturnType<DataSource['createQueryRunner']> | null = this.db.createQueryRunner('slave');
    try {
      await runner.connect();
    } catch (err) {
      this.logger.warn({ msg: 'replica unreachable, reading from the primary', err: String(err) });
      await runner.release().catch(() => undefined);
      runner = null;
    }
    if (!runner) return { hits: await read(this.db), source: { replica: false, lagMs: 0 } };
    try {
      const [lag] = (await runner.query(
        `SELECT pg_is_in_recovery() AS replica,
                CASE WHEN NOT pg_is_in_recovery() THEN 0
                     WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
                     ELSE greatest(0, extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)
                END::float8 AS lag_ms`,
      )) as { replica: boolean; lag_ms: number | null }[];
      const hits = await read(runner);
      return { hits, source: { replica: lag?.replica ?? false, lagMs: Math.round(lag?.lag_ms ?? 0) } };
    } finally {
      await runner.release();
    }
  }
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
