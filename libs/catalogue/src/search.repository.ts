import { UUID_PATTERN, type VendorId } from '#libs/common';
import { Injectable } from '@nestjs/common';
import {
  GenerateSql,
  ReplicaReader,
  rowsOf,
  type PlannedReadConnection,
  type ReadConnection,
  type ReadSource,
} from '#libs/db';
import { type Product } from './catalogue.entities.js';
import { NUTRIENTS, type ProductListing } from './product.types.js';
import { allergenExclusionQuery, wholeWordsOf } from './search-query.js';

export interface SearchFilters {
  category?: string;
  tags?: string[];
  /** Products declaring any of these are left out: every spelling, checked on each row kept. */
  excludeAllergens?: string[];
  /**
   * The canonical codes among them (what stored products declare): the full-text indexes hold each
   * product's codes as lexemes, so a ranked search has the index drop these products before any row
   * is read. A code missing here costs reading rows, never a wrong result: the check above decides.
   */
  indexedAllergens?: string[];
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

/** Browse's filters as SQL over alias p, parameters $3..$6 (NULL switches a filter off at plan time). */
const browseFilterSql = `($3::text IS NULL OR p.category = $3)
  AND ($4::text[] IS NULL OR p.dietary_tags @> $4)
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

  /**
   * The first of `tsqueries` that finds anything (a shop search box's "every word, else any
   * word"), tried in order on one connection and in one read transaction; `attempt` is its index
   * (the last one's when none does).
   */
  @GenerateSql(
    {
      name: 'words-with-filters',
      params: [
        '00000000-0000-4000-8000-00000000000a',
        ["'dark':* & 'choc':*"],
        { tags: ['vegan'], excludeAllergens: ['peanuts'], indexedAllergens: ['peanuts'] },
        { limit: 20, candidates: 500 },
      ],
    },
    {
      name: 'allergens-by-index',
      params: [
        '00000000-0000-4000-8000-00000000000a',
        ["'pistachio':*"],
        { excludeAllergens: ['tree_nuts', 'nuts'], indexedAllergens: ['tree_nuts'] },
        { limit: 20, candidates: 500, examine: 0 },
      ],
    },
    {
      name: 'whole-words-in-category',
      params: [
        '00000000-0000-4000-8000-00000000000a',
        ['oat & milk:*'],
        { category: 'dairy' },
        { limit: 20, candidates: 500 },
      ],
    },
    {
      name: 'next-page',
      params: [
        '00000000-0000-4000-8000-00000000000a',
        ["'bar':*"],
        {},
        {
          limit: 20,
          candidates: 500,
          after: { tier: 0, rank: 0.5, id: '00000000-0000-4000-8000-000000000001' },
        },
      ],
    },
  )
  async ranked(
    vendorId: VendorId,
    tsqueries: string[],
    filters: SearchFilters,
    page: {
      limit: number;
      after?: RankCursor;
      candidates: number;
      examine?: number;
      /** false: a prefix is always gathered by the index (bench:search compares the two) */
      wholeWordsFirst?: boolean;
    },
  ): Promise<{ hits: SearchHit[]; attempt: number; source: ReadSource }> {
    const tierPage = {
      ...page,
      examine: page.examine ?? 2 * page.candidates,
      wholeExamine: page.wholeWordsFirst === false ? 0 : 8 * page.candidates,
    };
    const { result, source } = await this.replica.readPlanned(async (run) => {
      let hits: SearchHit[] = [];
      for (const [attempt, tsquery] of tsqueries.entries()) {
        hits = await rankedPage(run, vendorId, tsquery, filters, tierPage);
        if (hits.length > 0) return { hits, attempt };
      }
      return { hits, attempt: tsqueries.length - 1 };
    });
    return { ...result, source };
  }

  /** Without words: the filtered catalogue in id order. */
  @GenerateSql({
    name: 'filters',
    params: ['00000000-0000-4000-8000-00000000000a', { category: 'bars', inStock: true }, { limit: 20 }],
  })
  async browse(
    vendorId: VendorId,
    filters: SearchFilters,
    page: { limit: number; afterId?: string },
  ): Promise<{ hits: SearchHit[]; source: ReadSource }> {
    return this.onReadReplica((run) =>
      rowsOf<SearchHit>(
        run,
        `SELECT 0 AS tier, 0::real AS rank, ${prefixed('p')} FROM products p
          WHERE p.vendor_id = $1 AND ($2::uuid IS NULL OR p.id > $2) AND ${browseFilterSql}
          ORDER BY p.id LIMIT $7`,
        [vendorId, page.afterId ?? null, ...filterParams(filters), page.limit],
      ),
    );
  }

  private onReadReplica(
    read: (run: ReadConnection) => Promise<SearchHit[]>,
  ): Promise<{ hits: SearchHit[]; source: ReadSource }> {
    return this.replica.read(read).then(({ result, source }) => ({ hits: result, source }));
  }
}

/**
 * A ranked page's bounds: `limit` hits after `after`, each tier ranking a window of at most
 * `candidates` matches; with allergens excluded, the check on rows reads at most `examine` word
 * matches before the index answers instead (runTier).
 */
interface TierPage {
  limit: number;
  candidates: number;
  examine: number;
  /** how many matches of the whole words before a prefix are read to check it on rows (0: never) */
  wholeExamine: number;
  after?: RankCursor;
}

/**
 * One page of a ranked search. Title matches rank above every text-only match, so the text tier
 * is read only once the title tier cannot fill the page (most pages never touch it).
 */
async function rankedPage(
  run: PlannedReadConnection,
  vendorId: VendorId,
  tsquery: string,
  filters: SearchFilters,
  page: TierPage,
): Promise<SearchHit[]> {
  const after = page.after;
  let title = { hits: [] as SearchHit[], indexExcluded: false, wholeCapped: false };
  if (!after || after.tier === 0) title = await runTier(run, 0, vendorId, tsquery, filters, page);
  if (title.hits.length >= page.limit) return title.hits;
  const text = {
    ...page,
    after: after?.tier === 1 ? after : undefined,
    limit: page.limit - title.hits.length,
    // the title's matches were mostly excluded allergens: the description's are asked of the index
    // at once (checking their rows first was 1 000 rows read and a second gather of the words)
    examine: title.indexExcluded ? 0 : page.examine,
    // the whole words had more title matches than the bound: they have at least as many in the
    // description vector (it holds the title's words too), so the index gathers the prefix at once
    wholeExamine: title.wholeCapped ? 0 : page.wholeExamine,
  };
  return title.hits.concat((await runTier(run, 1, vendorId, tsquery, filters, text)).hits);
}

/** The filters a search has, as the SQL of its statement (absent ones are left out). */
const FILTERS = [
  { key: 'category', inIndex: true, sql: (n: number, a = 'p') => `${a}.category = $${n}` },
  // answered inside the full-text GIN index, which holds the tags beside the words
  { key: 'tags', inIndex: true, sql: (n: number, a = 'p') => `${a}.dietary_tags @> $${n}::text[]` },
  {
    key: 'excludeAllergens',
    inIndex: false,
    sql: (n: number, a = 'p') => `NOT (${a}.allergens && $${n}::text[])`,
  },
  { key: 'inStock', inIndex: false, sql: (n: number, a = 'p') => `${a}.in_stock = $${n}::boolean` },
] as const;

/**
 * How a tier's statement reads its matches: `words` the index gives them (the words, category and
 * tags in it); `rows` the same, and the excluded allergens are checked on each row, over at most
 * `examine` of them; `index` the index also drops the products that declare them (the words without
 * the allergens' lexemes), then the check on the rows it gives; `whole` the index gives the matches
 * of the whole words only and the prefix (and every other check) is made on each row, over at most
 * `examine` of them.
 */
type Strategy = 'words' | 'rows' | 'index' | 'whole';

/**
 * One tier's page: at most `candidates` matches (tier 0: name/brand/category via title_tsv's GIN
 * index; tier 1: matches only in the description/ingredients), ranked with ts_rank, after the
 * cursor.
 *
 * A prefix in the index costs what its words' posting lists hold: GIN gathers every product under
 * every lexeme the prefix begins into a bitmap before it can intersect anything, where a whole word
 * is skipped through. `oat & milk:*` in one category gathered the 6 700 `milk` products of each
 * leaf of a 500 000-product catalogue to find 40 (2.9 ms a leaf; `oat & milk`, 0.2 ms). So within
 * a category, when words before the prefix are whole, their matches are read first and the prefix
 * is checked on each row (~2 µs a row against ~0.4 µs a product gathered), over at most
 * `wholeExamine`; only when that many were read without filling the window does the index gather
 * the prefix. Without a category the whole words' matches are too many as often as not (bench:search
 * compares the two ways: docs/benchmarks.md), so the index gathers it at once.
 *
 * With allergens excluded, which way is cheaper depends on the words. Most matches of most words
 * pass an exclusion, and checking rows fills the window after a few hundred; asking the index to
 * drop them instead costs ~0.5 µs for every word match in a leaf (GIN checks each against the
 * allergens' lexemes), 7 ms more for a word in most products. But when the words are about the
 * allergen — `pistachio` without tree nuts, `peanut butter` without peanuts — few rows pass, and
 * the check would read every match (all 8 800 pistachio products of a 500 000-product catalogue,
 * growing with it). So the rows are checked first, over at most `examine` word matches; only
 * when that many were read without filling the window does the index answer (at once for 0).
 */
async function runTier(
  run: PlannedReadConnection,
  tier: 0 | 1,
  vendorId: VendorId,
  tsquery: string,
  filters: SearchFilters,
  page: TierPage,
): Promise<{ hits: SearchHit[]; indexExcluded: boolean; wholeCapped: boolean }> {
  const whole = page.wholeExamine > 0 && filters.category !== undefined ? wholeWordsOf(tsquery) : null;
  let wholeCapped = false;
  if (whole) {
    const within = { ...page, examine: page.wholeExamine };
    const rows = await tierStatement(run, tier, 'whole', vendorId, tsquery, filters, within, { whole });
    if (!rows.capped) return { hits: rows.hits, indexExcluded: false, wholeCapped };
    wholeCapped = true;
  }
  const excluded = filters.excludeAllergens?.length
    ? allergenExclusionQuery(filters.indexedAllergens ?? [])
    : null;
  if (!excluded) {
    const words = await tierStatement(run, tier, 'words', vendorId, tsquery, filters, page);
    return { hits: words.hits, indexExcluded: false, wholeCapped };
  }
  if (page.examine > 0) {
    const rows = await tierStatement(run, tier, 'rows', vendorId, tsquery, filters, page);
    if (!rows.capped) return { hits: rows.hits, indexExcluded: false, wholeCapped };
  }
  const index = await tierStatement(run, tier, 'index', vendorId, tsquery, filters, page, { excluded });
  return { hits: index.hits, indexExcluded: page.examine > 0, wholeCapped };
}

/**
 * A tier's statement. One per vendor, tier, set of filters and strategy, with the vendor as a
 * literal: planned once and kept on the connection (ReplicaReader.readPlanned), pruned to the
 * vendor's leaves. Parameters: $1 tsquery, $2 window, $3/$4 cursor, $5 limit, then the filters
 * present, then the strategy's (`rows`: how many word matches to read; `whole`: that and the whole
 * words; `index`: the allergens' lexemes as a tsquery). `capped`: the rows checked were `examine`
 * without filling the window (or the whole words were all stop words, which match nothing).
 */
async function tierStatement(
  run: PlannedReadConnection,
  tier: 0 | 1,
  strategy: Strategy,
  vendorId: VendorId,
  tsquery: string,
  filters: SearchFilters,
  page: TierPage,
  extra: { excluded?: string; whole?: string } = {},
): Promise<{ hits: SearchHit[]; capped: boolean }> {
  // the vendor goes into the statement as a literal: only ever a uuid
  if (!UUID_PATTERN.test(vendorId)) throw new Error('a vendor id is a uuid');
  const after = page.after;
  const values: unknown[] = [tsquery, page.candidates, after?.rank ?? null, after?.id ?? null, page.limit];
  const present = FILTERS.filter((f) => {
    const v = filters[f.key];
    return v !== undefined && (!Array.isArray(v) || v.length > 0);
  });
  const where = present.map((f) => {
    values.push(filters[f.key]);
    const n = values.length;
    return { inIndex: f.inIndex, sql: (a?: string) => ` AND ${f.sql(n, a)}` };
  });
  // The words' tsquery as a sub-select: computed once per statement (an InitPlan). Written as
  // to_tsquery('english', $1) a kept generic plan parsed it again for every row it filtered or
  // ranked, and PostgreSQL never kept a generic plan for a search without filters (the custom plans,
  // which see the words, always looked cheaper), so those were planned over all 16 leaves on every
  // call. Now custom and generic plans cost the same and the generic one is kept.
  const q = `(SELECT to_tsquery('english', $1))`;
  let asked = q;
  if (strategy === 'index') {
    // the words, and none of the excluded allergens' lexemes (words that are all stop words stay an
    // empty query, which finds nothing, rather than "no allergens")
    values.push(extra.excluded);
    asked = `(SELECT CASE WHEN numnode(w) = 0 THEN w ELSE w && $${values.length}::tsquery END
          FROM to_tsquery('english', $1) w)`;
  }
  // the expressions the GIN indexes are built on (migration 1795222800000)
  const vector = `${tier === 0 ? 'title' : 'search'}_tsv`;
  const keys = (words: string) => `(p.${vector} || allergen_lexemes(p.allergens)) @@ ${words}`;
  // tier 1 is the matches only in the description: those in the title are read and left out
  const notTitle = (a: string) => (tier === 1 ? ` AND NOT (${a}.title_tsv @@ ${q})` : '');
  const pageOf = (from: string) => `SELECT ${tier} AS tier, rank, ${HIT_COLUMNS} FROM ${from}
     WHERE $3::real IS NULL OR rank < $3::real OR (rank = $3::real AND id > $4::uuid)
     ORDER BY rank DESC, id
     LIMIT $5`;
  let text: string;
  if (strategy === 'words' || strategy === 'index') {
    text = `WITH c AS (
      SELECT ${prefixed('p')}, p.search_tsv FROM products p
       WHERE p.vendor_id = '${vendorId}'::uuid AND ${keys(asked)}${notTitle('p')}${where.map((w) => w.sql()).join('')}
       LIMIT $2),
    r AS (SELECT c.*, ts_rank(c.search_tsv, ${q}) AS rank FROM c)
    ${pageOf('r')}`;
  } else {
    // w: at most $examine rows the index gives (the words — or only the whole ones —, the category
    // and tags in it); c: the window of those that pass every check made on the row. When c is short
    // of the window it has read all of w, so counting w costs nothing more; the outer join gives the
    // verdict a row when nothing passed.
    values.push(page.examine);
    const examine = `$${values.length}`;
    let indexed = keys(q);
    let onRow = '';
    let voidWords = '';
    if (strategy === 'whole') {
      values.push(extra.whole);
      const whole = `(SELECT to_tsquery('english', $${values.length}))`;
      indexed = keys(whole);
      onRow = ` AND w.${vector} @@ ${q}`;
      voidWords = ` OR numnode(${whole}) = 0`;
    }
    text = `WITH w AS (
      SELECT ${prefixed('p')}, p.search_tsv, p.title_tsv FROM products p
       WHERE p.vendor_id = '${vendorId}'::uuid AND ${indexed}${where
         .filter((w) => w.inIndex)
         .map((w) => w.sql())
         .join('')}
       LIMIT ${examine}),
    c AS (SELECT * FROM w WHERE true${onRow}${notTitle('w')}${where
      .filter((w) => !w.inIndex)
      .map((w) => w.sql('w'))
      .join('')} LIMIT $2),
    r AS (SELECT c.*, ts_rank(c.search_tsv, ${q}) AS rank FROM c),
    hits AS (${pageOf('r')})
    SELECT hits.*, CASE WHEN (SELECT count(*) FROM c) < $2 THEN (SELECT count(*) FROM w) >= ${examine}${voidWords}
                   ELSE false END AS capped
      FROM (SELECT) one LEFT JOIN hits ON true
     ORDER BY hits.rank DESC, hits.id`;
  }
  const mask =
    FILTERS.map((f) => (present.includes(f) ? '1' : '0')).join('') +
    { words: '_', rows: 'r', index: 'x', whole: 'w' }[strategy];
  const rows = await run.planned<SearchHit & { capped?: boolean }>(
    `search_${tier}_${mask}_${vendorId.replace(/-/g, '').toLowerCase()}`,
    text,
    values,
  );
  return {
    hits: rows.filter((r) => r.id !== null).map(({ capped: _, ...hit }) => hit),
    capped: rows[0]?.capped === true,
  };
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
