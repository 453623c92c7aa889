/**
 * The catalogue's bulk SQL: what the CSV pipeline's products files do to `products` (the
 * ProductsBulkTarget runs these). `columns` is always the live columns the file fills, the key
 * (external_id) not among them; `typed` the pipeline's typed lines (line_no, id, external_id, the
 * columns, source_digest).
 */
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const row = (alias: string, cols: string[]) => `(${cols.map((c) => `${alias}.${c}`).join(', ')})`;

/** The product columns a file fills: its key and every mapped field (what a change is judged on). */
const fileColumns = (columns: string[]) => ['external_id', ...columns];

/** What a write of a line sets: its columns and the line's digest (validate-phase.ts, sql.ts). */
const DIGEST = 'source_digest';

/** One of `parts` slices of the typed rows (every parts-th line), for a statement per connection. */
const slice = (part: number, parts: number) => (parts > 1 ? `line_no % ${parts} = ${part}` : 'true');

/**
 * One of `parts` slices of the uuid space (ids are uuid v5: uniform), on `alias`.id. Slicing the
 * change query by id rather than by line lets each connection read and hash only its share of the
 * catalogue instead of all of it.
 */
export function idSlice(part: number, parts: number, alias: string): string {
  if (parts <= 1) return 'true';
  const bound = (k: number) =>
    `'${Math.floor((k * 0x1_0000_0000) / parts)
      .toString(16)
      .padStart(8, '0')}-0000-0000-0000-000000000000'::uuid`;
  const lower = part > 0 ? `${alias}.id >= ${bound(part)}` : '';
  const upper = part < parts - 1 ? `${alias}.id < ${bound(part + 1)}` : '';
  return [lower, upper].filter(Boolean).join(' AND ');
}

/** The columns `products`' generated tsvectors are computed from. */
const FULL_TEXT_SOURCES = ['name', 'brand', 'category', 'description', 'ingredients'];

/**
 * The lines of the file that would change the catalogue (new, or any field different), one part
 * of `parts` (a slice of the ids): read-only, so it runs on INGEST_PARALLELISM connections before the
 * batches, which then write only these lines. A line a concurrent API write makes equal or
 * different afterwards is settled by the batch's own comparison (for the lines listed) or kept as
 * the API wrote it (for the others, as a first load keeps API writes).
 */
export function productsChangedSql(
  typed: string,
  changed: string,
  vendorId: string,
  columns: string[],
  part: number,
  parts: number,
): string {
  const cols = fileColumns(columns);
  const text = cols.filter((c) => FULL_TEXT_SOURCES.includes(c));
  const sameText = text.length ? `${row('x', text)} IS NOT DISTINCT FROM ${row('s', text)}` : 'true';
  // by key, one index probe per line: a hash join would read the whole (wide) catalogue per slice
  return `SET enable_hashjoin = off; SET enable_mergejoin = off;
    INSERT INTO ${changed} (line_no, existed, same_text)
    SELECT s.line_no, x.id IS NOT NULL, x.id IS NOT NULL AND ${sameText} FROM ${typed} s
      LEFT JOIN products x ON x.vendor_id = ${lit(vendorId)}::uuid AND x.id = s.id AND ${idSlice(part, parts, 'x')}
     WHERE (x.id IS NULL OR ${row('x', cols)} IS DISTINCT FROM ${row('s', cols)}) AND ${idSlice(part, parts, 's')}`;
}

/**
 * One batch of products (typed rows with $1 ≤ line_no < $2) into the live catalogue, in two
 * statements run in the batch's transaction. Only the lines `changed` lists (productsChangedSql)
 * are read, so rows that would change nothing are neither written nor locked. Every write sets the
 * line's digest.
 * - `upsert`: new products and those whose text changed, written whole. Returns inserted/updated
 *   and total (every valid line of the batch: typed, or `skipped` as unchanged).
 * - `update` (null when the file maps only text columns): products whose text is the same (a price
 *   or stock change, the common re-ingest), updated without naming the text columns, so PostgreSQL
 *   neither recomputes their tsvectors (the generated columns depend on unnamed columns only) nor —
 *   with room on the page (PRODUCT_FILLFACTOR) — touches any index (a HOT update). It walks the
 *   catalogue by key (run it with hash and merge joins off). Returns updated.
 * Each statement's own WHERE covers a concurrent writer.
 */
export function productsBatchSql(
  typed: string,
  changed: string,
  skipped: string,
  vendorId: string,
  columns: string[],
): { upsert: string; update: string | null } {
  const cols = fileColumns(columns);
  const written = [...cols, DIGEST];
  const plain = cols.filter((c) => c !== 'external_id' && !FULL_TEXT_SOURCES.includes(c));
  const v = `${lit(vendorId)}::uuid`;
  const lines = (sameText: boolean) =>
    `SELECT s.*, c.existed FROM ${changed} c JOIN ${typed} s USING (line_no)
      WHERE c.line_no >= $1 AND c.line_no < $2 AND ${sameText ? '' : 'NOT '}c.same_text`;
  const upsert = `WITH cand AS (${lines(false)}),
    up AS (
      INSERT INTO products AS p (vendor_id, id, ${written.join(', ')})
      SELECT ${v}, c.id, ${written.map((c) => `c.${c}`).join(', ')} FROM cand c
      ON CONFLICT (vendor_id, id) DO UPDATE SET ${written.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
       WHERE ${row('p', cols)} IS DISTINCT FROM ${row('EXCLUDED', cols)}
      RETURNING id)
    SELECT count(*) FILTER (WHERE NOT c.existed)::int AS inserted, count(*) FILTER (WHERE c.existed)::int AS updated,
           ((SELECT count(*) FROM ${typed} WHERE line_no >= $1 AND line_no < $2)
            + (SELECT count(*) FROM ${skipped} WHERE line_no >= $1 AND line_no < $2))::int AS total
      FROM up JOIN cand c USING (id)`;
  const update = plain.length
    ? `WITH done AS (
      UPDATE products p SET ${[...plain, DIGEST].map((c) => `${c} = c.${c}`).join(', ')}, updated_at = now()
        FROM (${lines(true)}) c
       WHERE p.vendor_id = ${v} AND p.id = c.id AND ${row('p', plain)} IS DISTINCT FROM ${row('c', plain)}
      RETURNING 1)
    SELECT count(*)::int AS updated FROM done`
    : null;
  return { upsert, update };
}

/** Columns every products insert of a first load writes (the load table gets them all). */
export function productsLoadSql(
  typed: string,
  load: string,
  vendorId: string,
  columns: string[],
  part: number,
  parts: number,
): string {
  const cols = [...fileColumns(columns), DIGEST];
  return `INSERT INTO ${load} (vendor_id, id, ${cols.join(', ')})
    SELECT ${lit(vendorId)}::uuid, id, ${cols.join(', ')} FROM ${typed} WHERE ${slice(part, parts)}`;
}

/**
 * How the set-aside finds each line's product: `probe` — by key, one index probe per line (a
 * small file against a big catalogue); `scan` — one hash join on the digest (the file is a good
 * share of the catalogue: reading the catalogue once is cheaper than probing it per line, and
 * the line's id need not be computed); `marked` — the copy already marked the unchanged lines
 * (stage.unchanged: their digest was among the catalogue's when the file was read, see
 * digestsInMemory), so they are taken as they are.
 */
export type SkipStrategy = 'probe' | 'scan' | 'marked';

/** Lines per catalogue row from which the set-aside scans instead of probing (measured break-even ≈ 1/3). */
export const SKIP_SCAN_SHARE = 0.3;

export const skipStrategy = (lines: number, catalogueRows: number): Exclude<SkipStrategy, 'marked'> =>
  lines >= SKIP_SCAN_SHARE * catalogueRows ? 'scan' : 'probe';

/**
 * Bytes a products line is assumed to take at least, to guess a file's lines from its size before
 * reading it (a lean line of key, name, price and a few nutrients; real catalogues run 200–500).
 */
export const MIN_LINE_BYTES = 150;

/**
 * Whether a re-ingest holds the catalogue's digests in memory while the file streams (so unchanged
 * lines are known as they are read, and staged as their key alone) rather than finding them in
 * SQL afterwards: when the file may hold SKIP_SCAN_SHARE of the catalogue's rows — where reading
 * the whole catalogue once beats probing it per line.
 */
export const digestsInMemory = (fileBytes: number, catalogueRows: number): boolean =>
  fileBytes / MIN_LINE_BYTES >= SKIP_SCAN_SHARE * catalogueRows;

/** The digests of the lines a vendor's products were written from (products an API write changed have none). */
export const catalogueDigestsSql = (vendorId: string): string =>
  `SELECT source_digest FROM products WHERE vendor_id = ${lit(vendorId)}::uuid AND source_digest IS NOT NULL`;

/**
 * Products re-ingest: the lines whose product still carries their digest (written from the same
 * values under the same mapping, and not changed since) — one of `parts` slices of the lines —
 * moved out of the staging table into `skipped`: nothing downstream validates, compares or
 * writes them; they count as valid and unchanged. A digest covers the line's external id, so
 * matching the digest within the vendor (and the external id, for certainty) finds the product
 * the line made. `ext` is the staging column holding the external id. Marked lines stay in the
 * stage (what follows leaves them out by their mark); a product an API write changes after the
 * digests were read keeps the API's version, as during the merge.
 */
export function skipUnchangedSql(
  stage: string,
  skipped: string,
  vendorId: string,
  ext: string,
  part: number,
  parts: number,
  strategy: SkipStrategy = 'probe',
): string {
  const v = `${lit(vendorId)}::uuid`;
  if (strategy === 'marked')
    return `INSERT INTO ${skipped} (line_no, id, external_id)
    SELECT line_no, uuid_generate_v5(${v}, ${ext}), ${ext} FROM ${stage} WHERE unchanged AND ${slice(part, parts)}`;
  const e = `s.${ext}`;
  const match =
    strategy === 'probe'
      ? `p.id = uuid_generate_v5(${v}, ${e}) AND p.source_digest = s.digest`
      : `p.source_digest = s.digest AND p.external_id = ${e}`;
  // probe: a hash join would read the whole (wide) catalogue for a few lines; scan: the reverse
  const plan =
    strategy === 'probe'
      ? 'SET enable_hashjoin = off; SET enable_mergejoin = off;'
      : 'SET enable_nestloop = off; SET enable_mergejoin = off;';
  return `${plan}
    WITH gone AS (
      DELETE FROM ${stage} s USING products p
       WHERE p.vendor_id = ${v} AND ${match}
         AND s.problem IS NULL${parts > 1 ? ` AND s.line_no % ${parts} = ${part}` : ''}
      RETURNING s.line_no, p.id, ${e} AS external_id)
    INSERT INTO ${skipped} (line_no, id, external_id) SELECT line_no, id, external_id FROM gone`;
}
