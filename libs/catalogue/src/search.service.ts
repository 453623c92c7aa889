import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { allergenExclusionCodes, allergenSpellings } from '#libs/food-vocabulary';
import { freshnessOf } from '#libs/db';
import { decodeCursor, encodeCursor, type VendorId } from '#libs/common';
import { NUTRIENTS, type Nutrient } from './product.types.js';
import { toTsQuery, termCount } from './search-query.js';
import {
  SearchRepository,
  type ReadSource,
  type SearchFilters,
  type SearchHit,
} from './search.repository.js';
import type { SearchHitView, SearchView } from './catalogue.dto.js';

type Match = 'all' | 'any';
type Cursor = { m: Match | 'none'; t: number; r: number; i: string };
const isCursor = (v: unknown): v is Cursor => {
  const c = v as Cursor;
  return (
    typeof v === 'object' &&
    v !== null &&
    ['all', 'any', 'none'].includes(c.m) &&
    Number.isInteger(c.t) &&
    typeof c.r === 'number' &&
    Number.isFinite(c.r) &&
    typeof c.i === 'string' &&
    /^[0-9a-f-]{36}$/.test(c.i)
  );
};

export interface SearchInput {
  q?: string;
  category?: string;
  tags?: string[];
  exclude_allergens?: string[];
  in_stock?: boolean;
  limit?: number;
  cursor?: string;
}

@Injectable()
export class SearchService {
  constructor(
    private readonly search: SearchRepository,
    private readonly config: AppConfig,
  ) {}

  async find(vendorId: VendorId, input: SearchInput): Promise<SearchView> {
    const limit = input.limit ?? 20;
    const cursor = decodeCursor(input.cursor, isCursor);
    // an allergy rules out its group's members and the groups it belongs to (shellfish → crab, …)
    const excluded = input.exclude_allergens?.length
      ? allergenExclusionCodes(input.exclude_allergens)
      : undefined;
    const filters: SearchFilters = {
      category: input.category,
      tags: input.tags,
      excludeAllergens: excluded && allergenSpellings(excluded),
      indexedAllergens: excluded,
      inStock: input.in_stock,
    };
    const words = input.q ?? '';
    if (toTsQuery(words, 'all') === null) {
      const r = await this.search.browse(vendorId, filters, { limit: limit + 1, afterId: cursor?.i });
      return this.view(r.hits, r.source, limit, 'none');
    }
    // Nothing has every word: a shop search box then shows what has any of them (on a first page;
    // a cursor carries the match it was made with).
    const matches: Match[] =
      cursor?.m === 'any' ? ['any'] : !cursor && termCount(words) > 1 ? ['all', 'any'] : ['all'];
    const result = await this.search.ranked(
      vendorId,
      matches.map((m) => toTsQuery(words, m)!),
      filters,
      {
        limit: limit + 1,
        candidates: this.config.search.candidates,
        after: cursor && { tier: cursor.t, rank: cursor.r, id: cursor.i },
      },
    );
    return this.view(result.hits, result.source, limit, matches[result.attempt]!);
  }

  private view(hits: SearchHit[], source: ReadSource, limit: number, match: Match | 'none'): SearchView {
    const page = hits.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map((h) => hitView(h, match)),
      next_cursor:
        hits.length > limit && last
          ? encodeCursor({ m: match, t: last.tier, r: last.rank, i: last.id })
          : null,
      match,
      ...freshnessOf(source, this.config.search.replicaStaleAfterMs),
    };
  }
}

function hitView(h: SearchHit, match: Match | 'none'): SearchHitView {
  return {
    id: h.id,
    external_id: h.external_id,
    name: h.name,
    brand: h.brand,
    category: h.category,
    price_cents: h.price_cents,
    currency: h.currency,
    dietary_tags: h.dietary_tags,
    allergens: h.allergens,
    in_stock: h.in_stock,
    matched_in: match === 'none' ? 'filter' : h.tier === 0 ? 'title' : 'text',
    rank: h.rank,
    nutrients: Object.fromEntries(NUTRIENTS.map((n) => [n, (h[n] as number | null) ?? null])) as Record<
      Nutrient,
      number | null
    >,
  };
}
