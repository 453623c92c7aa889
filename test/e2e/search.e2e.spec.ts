import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { asVendorId } from '#libs/common';
import { createDataSource, ReplicaReader } from '#libs/db';
import { SearchRepository } from '../../libs/catalogue/src/search.repository.js';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, createVendor, product, type VendorClient } from '../support/vendor-client.js';

interface PlanNode {
  'Node Type': string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}
const flatten = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(flatten)];

interface Hit {
  id: string;
  name: string;
  matched_in: string;
  rank: number;
  category: string;
}

describe('catalogue search (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let v: VendorClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createApiApp(testConfig(db.url, { ADMIN_API_KEY: ADMIN_KEY, SEARCH_CANDIDATES: '50' }));
    v = (await createVendor(app, 'searcher')).client;
    const items = [
      product('T-1', {
        name: 'Dark chocolate bar',
        category: 'sweets',
        dietary_tags: ['vegan'],
        allergens: [],
      }),
      product('T-2', {
        name: 'Milk chocolate bar',
        category: 'sweets',
        dietary_tags: [],
        allergens: ['milk'],
      }),
      product('T-3', {
        name: 'Chocolate chocolate chip cookies',
        category: 'sweets',
        allergens: ['wheat', 'milk'],
        in_stock: false,
      }),
      product('T-4', {
        name: 'Vanilla granola',
        description: 'Crunchy oats with a hint of chocolate',
        category: 'breakfast',
        allergens: [],
      }),
      product('T-5', { name: 'Sea salt crackers', category: 'snacks', allergens: ['wheat'] }),
      product('T-6', { name: 'Pistachio praline', category: 'spreads', allergens: ['tree_nuts'] }),
      product('T-7', { name: 'Pistachio flavour drops', category: 'spreads', allergens: [] }),
      // 70 more title matches for "protein", to page through more than one window.
      ...Array.from({ length: 70 }, (_, i) =>
        product(`P-${i}`, {
          name: `Protein shake ${i}`,
          category: 'supplements',
          description: i % 2 ? 'protein protein' : 'plain',
        }),
      ),
      ...Array.from({ length: 12 }, (_, i) =>
        product(`D-${i}`, { name: `Plain item ${i}`, description: 'with added protein', category: 'pantry' }),
      ),
    ];
    for (const item of items) {
      const res = await v.request('POST', '/products', item);
      if (res.statusCode !== 201) throw new Error(res.body);
    }
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  /** A data source of one connection: one set of prepared statements to look at. */
  const oneConnection = (applicationName: string) =>
    createDataSource(testConfig(db.url), { applicationName, poolMax: 1 }).initialize();

  /** The search statements a connection has prepared, by kind (`search_<tier>_<filters><strategy>`). */
  const searchStatements = async (ds: DataSource) =>
    (
      (await ds.query(
        `SELECT substr(name, 1, 14) AS name FROM pg_prepared_statements WHERE name LIKE 'search%' ORDER BY 1`,
      )) as { name: string }[]
    ).map((s) => s.name);

  const search = async (query: string) => {
    const res = await v.request('GET', `/search?${query}`);
    expect(res.statusCode).toBe(200);
    return res.json() as {
      data: Hit[];
      next_cursor: string | null;
      match: string;
      freshness: string;
      source: string;
    };
  };

  it('ranks name matches above description-only matches and finds words by prefix', async () => {
    const r = await search('q=choc');
    const names = r.data.map((h) => h.name);
    // Two occurrences in the name rank first; equal ranks follow in id order; the description-only match last.
    expect(names[0]).toBe('Chocolate chocolate chip cookies');
    expect(names.slice(1, 3).sort()).toEqual(['Dark chocolate bar', 'Milk chocolate bar']);
    expect(names[3]).toBe('Vanilla granola');
    expect(r.data[1]!.rank).toBe(r.data[2]!.rank);
    expect(r.data[1]!.id < r.data[2]!.id).toBe(true);
    expect(r.data.map((h) => h.matched_in)).toEqual(['title', 'title', 'title', 'text']);
    expect(r).toMatchObject({ match: 'all', freshness: 'fresh', source: 'primary', next_cursor: null });
  });

  it('applies category, tag, allergen and stock filters', async () => {
    const names = async (q: string) => (await search(q)).data.map((h) => h.name);
    expect(await names('q=chocolate&category=breakfast')).toEqual(['Vanilla granola']);
    expect(await names('q=chocolate&tags=vegan')).toEqual(['Dark chocolate bar']);
    expect(await names('q=chocolate&exclude_allergens=milk,wheat')).toEqual([
      'Dark chocolate bar',
      'Vanilla granola',
    ]);
    expect(await names('q=chocolate&in_stock=false')).toEqual(['Chocolate chocolate chip cookies']);
    expect(await names('category=snacks')).toEqual(['Sea salt crackers']);
  });

  it('leaves out what an allergy rules out, through the index: groups, members and other spellings', async () => {
    const names = async (q: string) => (await search(q)).data.map((h) => h.name).sort();
    expect(await names('q=pistachio')).toEqual(['Pistachio flavour drops', 'Pistachio praline']);
    // an almond allergy rules out "tree nuts" (it may be almonds); `nuts` is a spelling of tree_nuts
    expect(await names('q=pistachio&exclude_allergens=almond')).toEqual(['Pistachio flavour drops']);
    expect(await names('q=pist&exclude_allergens=Nuts')).toEqual(['Pistachio flavour drops']);
    expect(await names('q=praline%20drops&exclude_allergens=tree_nuts')).toEqual(['Pistachio flavour drops']);
    // words that are all stop words find nothing, with an exclusion too (not "everything without it")
    expect(await names('q=the&exclude_allergens=milk')).toEqual([]);
  });

  it('has the category and the tags inside both full-text indexes of every leaf (one GIN scan for words and filters)', async () => {
    // before, each tier ANDed the words' GIN bitmap with the category's btree bitmap, and checked a
    // tag on the heap row of every word match: matches read to show the few that pass (docs/benchmarks.md)
    const ds = await db.owner();
    const defs: { def: string }[] = await ds.query(
      `SELECT DISTINCT regexp_replace(pg_get_indexdef(x.indexrelid), '^.* USING ', '') AS def
         FROM pg_inherits i JOIN pg_index x ON x.indrelid = i.inhrelid
        WHERE i.inhparent = $1::regclass AND pg_get_indexdef(x.indexrelid) LIKE '%_tsv%'
        ORDER BY 1`,
      [`products_${v.vendorId.replace(/-/g, '')}`],
    );
    expect(defs.map((d) => d.def)).toEqual([
      'gin (category, dietary_tags, ((search_tsv || allergen_lexemes(allergens))))',
      'gin (category, dietary_tags, ((title_tsv || allergen_lexemes(allergens))))',
    ]);
  });

  it('runs each search statement on a kept generic plan, searches without filters too', async () => {
    // before, the statements without filters were planned over every leaf on each call (their custom
    // plans, which saw the words, always looked cheaper than the generic one) — docs/benchmarks.md
    const ds = await oneConnection('search-plans');
    try {
      const search = new SearchRepository(new ReplicaReader(ds)); // one connection: one set of statements
      const vendorId = asVendorId(v.vendorId);
      const exclusion = { excludeAllergens: ['cows_milk', 'milk'], indexedAllergens: ['milk'] };
      for (const words of [
        'chocolate:*',
        'granola:*',
        'sea & salt:*',
        'cookie:*',
        'vanilla:*',
        'bar:*',
        'oat:*',
        'x:*',
      ]) {
        await search.ranked(vendorId, [words], {}, { limit: 21, candidates: 50 });
        await search.ranked(vendorId, [words], { category: 'sweets' }, { limit: 21, candidates: 50 });
        // whole words before the prefix: their matches read, the prefix checked on the rows
        await search.ranked(
          vendorId,
          [`sweet & ${words}`],
          { category: 'sweets' },
          { limit: 21, candidates: 50 },
        );
        await search.ranked(vendorId, [words], exclusion, { limit: 21, candidates: 50 });
        await search.ranked(vendorId, [words], exclusion, { limit: 21, candidates: 50, examine: 0 });
      }
      const plans: { name: string; generic: number; statement: string }[] = await ds.query(
        `SELECT name, generic_plans::int AS generic, statement FROM pg_prepared_statements
          WHERE name LIKE 'search%' ORDER BY name`,
      );
      // the words' tsquery is computed once per statement (an InitPlan), never per row filtered or ranked
      for (const p of plans) {
        const lines = (
          (await ds.query(`EXPLAIN (GENERIC_PLAN, VERBOSE) ${p.statement}`)) as { 'QUERY PLAN': string }[]
        )
          .map((r) => r['QUERY PLAN'])
          .filter((l) => /Index Cond|Filter|Output: .*ts_rank/.test(l));
        expect(lines.join('\n')).toMatch(/InitPlan/);
        expect(lines.filter((l) => l.includes('to_tsquery'))).toEqual([]);
      }
      expect(plans.map((p) => p.name.slice(0, 14))).toEqual([
        'search_0_0000_',
        'search_0_0010r',
        'search_0_0010x',
        'search_0_1000_',
        'search_0_1000w',
        'search_1_0000_',
        'search_1_0010r',
        'search_1_0010x',
        'search_1_1000_',
        'search_1_1000w',
      ]);
      expect(plans.filter((p) => p.generic === 0)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('answers an allergen exclusion inside the full-text index: no row of an excluded product is read', async () => {
    // before, the index gave every word match and a check on each row dropped the excluded ones:
    // `pistachio` without tree nuts read all 8 800 matches of a 500 000-product catalogue to show none
    const ds = await oneConnection('search-exclusions');
    try {
      const search = new SearchRepository(new ReplicaReader(ds));
      const filters = { excludeAllergens: ['cows_milk', 'milk'], indexedAllergens: ['milk'] };
      const vendorId = asVendorId(v.vendorId);
      const names = async (examine?: number) =>
        (
          await search.ranked(vendorId, ['chocolate:*'], filters, { limit: 21, candidates: 50, examine })
        ).hits.map((h) => h.name);
      // the rows checked (the word matches are few), then the index asked (`examine` of them read
      // without filling the window): the same page, not the two with milk
      expect(await names()).toEqual(['Dark chocolate bar', 'Vanilla granola']);
      expect(await names(1)).toEqual(['Dark chocolate bar', 'Vanilla granola']);
      expect(await names(0)).toEqual(['Dark chocolate bar', 'Vanilla granola']);
      expect(await searchStatements(ds)).toEqual([
        'search_0_0010r',
        'search_0_0010x',
        'search_1_0010r',
        'search_1_0010x',
      ]);
      // the index statements ask the indexed expression for the words without the allergens' lexemes …
      const statements = (await ds.query(
        `SELECT statement FROM pg_prepared_statements WHERE name LIKE 'search_%x_%'`,
      )) as { statement: string }[];
      expect(statements).toHaveLength(2);
      for (const { statement } of statements)
        expect(statement).toMatch(
          /\(p\.(title|search)_tsv \|\| allergen_lexemes\(p\.allergens\)\) @@ \(SELECT CASE/,
        );
      // … which the index answers: of the three "chocolate" titles it gives the one without milk
      await ds.query(`SET enable_seqscan = off`); // 91 products: read as a catalogue of thousands is
      const read = async () => {
        const [{ 'QUERY PLAN': plan }] = (await ds.query(
          `EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM products p
            WHERE (p.title_tsv || allergen_lexemes(p.allergens)) @@ (to_tsquery('english', 'chocolate:*') && $$!'~milk'$$)`,
        )) as { 'QUERY PLAN': { Plan: PlanNode }[] }[];
        const nodes = flatten(plan[0]!.Plan);
        return {
          given: nodes
            .filter((n) => n['Node Type'] === 'Bitmap Index Scan')
            .reduce((sum, n) => sum + n['Actual Rows']! * n['Actual Loops']!, 0),
          dropped: nodes.reduce((sum, n) => sum + (n['Rows Removed by Index Recheck'] ?? 0), 0),
        };
      };
      expect(await read()).toEqual({ given: 1, dropped: 0 });
      // and so it may for the api, under row-level security: a condition is an index condition ahead
      // of the policy only when its functions are LEAKPROOF (1795222900000; before, every search
      // under the policy scanned the vendor's leaves — bench:search's http mode)
      const marks = (await ds.query(
        `SELECT p.oid::regprocedure::text AS fn, p.proleakproof AS leakproof FROM pg_proc p
          WHERE p.oid IN ('allergen_lexemes(text[])'::regprocedure, 'tsvector_concat(tsvector, tsvector)'::regprocedure,
                          'ts_match_vq(tsvector, tsquery)'::regprocedure, 'arrayoverlap(anyarray, anyarray)'::regprocedure)
          ORDER BY 1`,
      )) as { fn: string; leakproof: boolean }[];
      expect(marks.filter((m) => !m.leakproof)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('asks the index at once for the description-only matches when the title tier had to', async () => {
    // before, the text tier checked its rows first too: another `examine` rows read and the words
    // gathered again, for an exclusion the title tier had just shown to drop most matches
    const ds = await oneConnection('search-exclusions-text');
    try {
      const search = new SearchRepository(new ReplicaReader(ds));
      const filters = { excludeAllergens: ['cows_milk', 'milk'], indexedAllergens: ['milk'] };
      const page = await search.ranked(asVendorId(v.vendorId), ['chocolate:*'], filters, {
        limit: 21,
        candidates: 50,
        examine: 1,
      });
      expect(page.hits.map((h) => h.name)).toEqual(['Dark chocolate bar', 'Vanilla granola']);
      expect(await searchStatements(ds)).toEqual(['search_0_0010r', 'search_0_0010x', 'search_1_0010x']);
    } finally {
      await ds.destroy();
    }
  });

  it('reads the whole words before a prefix in a category, checks the prefix on their rows, and gives the page the index would', async () => {
    // before, `oat & milk:*` in one category had GIN gather every `milk` product of every leaf into
    // a bitmap (2.9 ms a leaf of a 500 000-product catalogue, 0.2 ms for `oat & milk`)
    const ds = await oneConnection('search-whole-words');
    try {
      const search = new SearchRepository(new ReplicaReader(ds));
      const vendorId = asVendorId(v.vendorId);
      const milk = { excludeAllergens: ['cows_milk', 'milk'], indexedAllergens: ['milk'] };
      const page = async (words: string[], filters: object, candidates: number, wholeWordsFirst: boolean) =>
        (await search.ranked(vendorId, words, filters, { limit: 21, candidates, wholeWordsFirst })).hits.map(
          (h) => `${h.tier} ${h.name}`,
        );
      const cases: [string[], object, number, string[]][] = [
        // the title tier
        [
          ['plain & item:*'],
          { category: 'pantry' },
          50,
          Array.from({ length: 12 }, (_, i) => `0 Plain item ${i}`),
        ],
        [['dark & choc:*', 'dark | choc:*'], { category: 'sweets', ...milk }, 50, ['0 Dark chocolate bar']],
        // words in neither
        [['plain & protein:*'], { category: 'spreads' }, 50, []],
        // whole words that are all stop words match nothing: the index gathers the prefix instead
        [['the & granol:*'], { category: 'breakfast' }, 50, ['0 Vanilla granola']],
        // 70 whole-word matches, 8 × 5 of them read, the last product not among them: the index answers
        [['protein & 69:*'], { category: 'supplements' }, 5, ['0 Protein shake 69']],
      ];
      for (const [words, filters, candidates, expected] of cases) {
        const whole = await page(words, filters, candidates, true);
        expect([...whole].sort()).toEqual([...expected].sort()); // equal ranks come in id order
        expect(whole).toEqual(await page(words, filters, candidates, false));
      }
      // the title's whole-word matches passed the bound: the text tier has at least as many, and
      // the index gathers the prefix there at once (a fresh connection shows which statements ran)
      const fresh = await oneConnection('search-whole-words-capped');
      try {
        const once = new SearchRepository(new ReplicaReader(fresh));
        const capped = await once.ranked(
          vendorId,
          ['protein & 69:*'],
          { category: 'supplements' },
          {
            limit: 21,
            candidates: 5,
          },
        );
        expect(capped.hits.map((h) => h.name)).toEqual(['Protein shake 69']);
        expect(await searchStatements(fresh)).toEqual(['search_0_1000_', 'search_0_1000w', 'search_1_1000_']);
      } finally {
        await fresh.destroy();
      }
      // the text tier's matches, both ways
      const text = await page(['shake & protein & plain:*'], { category: 'supplements' }, 50, true);
      expect(text).toHaveLength(21);
      expect(text.every((t) => t.startsWith('1 Protein shake'))).toBe(true);
      expect(text).toEqual(await page(['shake & protein & plain:*'], { category: 'supplements' }, 50, false));
      // the whole words' statements ask the index for the whole words only: the prefix is checked on rows
      const statements = (await ds.query(
        `SELECT statement FROM pg_prepared_statements WHERE name LIKE 'search_%w_%'`,
      )) as { statement: string }[];
      expect(statements.length).toBeGreaterThan(0);
      for (const { statement } of statements) {
        expect(statement).toMatch(
          /allergen_lexemes\(p\.allergens\)\) @@ \(SELECT to_tsquery\('english', \$\d+\)\)/,
        );
        expect(statement).not.toMatch(
          /allergen_lexemes\(p\.allergens\)\) @@ \(SELECT to_tsquery\('english', \$1\)\)/,
        );
      }
    } finally {
      await ds.destroy();
    }
  });

  it('falls back to any word when all of them find nothing', async () => {
    const r = await search('q=chocolate%20crackers');
    expect(r.match).toBe('any');
    expect(r.data.map((h) => h.name)).toEqual(
      expect.arrayContaining(['Sea salt crackers', 'Dark chocolate bar']),
    );
  });

  it('pages with a keyset cursor through both tiers without repeats or gaps', async () => {
    const seen: Hit[] = [];
    let cursor: string | null = null;
    do {
      const r = await search(`q=protein&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.data);
      cursor = r.next_cursor;
    } while (cursor);
    // The title window holds 50 of the 70 "Protein shake" products; then the 12 text-only ones.
    const title = seen.filter((h) => h.matched_in === 'title');
    const text = seen.filter((h) => h.matched_in === 'text');
    expect(title).toHaveLength(50);
    expect(text).toHaveLength(12);
    expect(new Set(seen.map((h) => h.id)).size).toBe(seen.length);
    expect(seen.indexOf(text[0]!)).toBe(50);
    for (let i = 1; i < title.length; i++) expect(title[i - 1]!.rank).toBeGreaterThanOrEqual(title[i]!.rank);
  });

  it('refuses a forged cursor and bad filters with the error shape', async () => {
    const bad = await v.request('GET', '/search?q=x&cursor=bm90LWEtY3Vyc29y');
    expect([bad.statusCode, bad.json().error.details[0].field]).toEqual([400, 'cursor']);
    const tags = await v.request('GET', '/search?q=x&tags=%40%40%40&limit=500');
    expect(tags.statusCode).toBe(400);
    expect(
      tags
        .json()
        .error.details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(['limit', 'tags']);
    // Operators and quotes are words to us, never tsquery syntax.
    expect((await v.request('GET', `/search?q=${encodeURIComponent("choc' & !(|")}`)).statusCode).toBe(200);
  });
});
