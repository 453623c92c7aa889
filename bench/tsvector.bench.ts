import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { CatalogueGenerator, PRODUCT_COLUMNS, productCsvLine } from '../scripts/seed/catalogue.js';
import { benchDatabase } from './support/database.js';
import { parseArgs } from './support/load.js';

/**
 * bench:tsvector — where a first load's time goes, part by part, on `--rows` generated products
 * (the bench:ingest generator): the floor (raw COPY of the CSV into an unlogged text table — the
 * baseline of bench:ingest), writing the typed rows without the full-text columns, then with the
 * two generated tsvectors `products` stores (search_tsv: name A, brand B, category C, description
 * and ingredients D; title_tsv: name, brand, category), and each tsvector's own cost, as
 * `INSERT … SELECT` (the pipeline's statement: one core each) on 1 connection and split over
 * `--parallelism` connections (as INGEST_PARALLELISM does).
 * Usage: npm run bench:tsvector -- [--rows 500000] [--parallelism 2]
 */
const args = parseArgs({ rows: 500_000, parallelism: 2 });

const TITLE = `setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A') ||
  setweight(to_tsvector('english'::regconfig, coalesce(brand, '')), 'B') ||
  setweight(to_tsvector('english'::regconfig, coalesce(category, '')), 'C')`;
const TEXT = `setweight(to_tsvector('english'::regconfig, coalesce(description, '') || ' ' || coalesce(ingredients, '')), 'D')`;
const TEXT_COLUMNS = `name text, brand text, category text, description text, ingredients text, line bigint`;

async function main(): Promise<void> {
  const rows = args.rows!;
  const parts = args.parallelism!;
  console.log(`bench:tsvector — ${rows} generated products, ${parts} connection(s) for the split runs`);
  const db = await benchDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: parts + 1 });
  pool.on('error', () => undefined); // idle clients see the server stop at the end
  const session = `SET synchronous_commit = off; SET work_mem = '256MB'; SET max_parallel_workers_per_gather = 0`;
  try {
    const c = await pool.connect();
    await c.query(session);
    const cols = PRODUCT_COLUMNS.map((n) => `${n} text`);
    await c.query(`CREATE UNLOGGED TABLE raw_copy (${cols.join(', ')})`);
    const gen = new CatalogueGenerator(1);
    function* lines(): Generator<string> {
      let batch = '';
      for (let i = 0; i < rows; i++) {
        batch += productCsvLine(gen.product(i, 'T'), 'pg');
        if (batch.length > 1 << 20) {
          yield batch;
          batch = '';
        }
      }
      if (batch) yield batch;
    }
    let t = performance.now();
    await pipeline(
      Readable.from(lines()),
      c.query(copyStreams.from(`COPY raw_copy FROM STDIN (FORMAT csv)`)),
    );
    const rawS = (performance.now() - t) / 1000;
    await c.query(
      `CREATE UNLOGGED TABLE src AS SELECT name, brand, category, description, ingredients,
              row_number() OVER () AS line FROM raw_copy`,
    );
    await c.query(`ANALYZE src`);
    c.release();
    const figures: [string, number][] = [];
    const split = (sql: (where: string) => string, n: number) =>
      Promise.all(
        Array.from({ length: n }, async (_, part) => {
          const conn = await pool.connect();
          try {
            await conn.query(session);
            await conn.query(sql(n > 1 ? `WHERE line % ${n} = ${part}` : ''));
          } finally {
            conn.release();
          }
        }),
      );
    const run = async (label: string, table: string, sql: (where: string) => string) => {
      for (const n of [1, parts]) {
        await pool.query(
          `DROP TABLE IF EXISTS ${table}_t; CREATE TABLE ${table}_t (LIKE ${table} INCLUDING ALL)`,
        );
        t = performance.now();
        await split((where) => sql(where).replace(`INTO ${table} `, `INTO ${table}_t `), n);
        figures.push([`${label}, ${n} connection(s)`, (performance.now() - t) / 1000]);
        await pool.query(`DROP TABLE ${table}_t`);
      }
    };
    await pool.query(`CREATE TABLE plain (${TEXT_COLUMNS})`);
    await pool.query(
      `CREATE TABLE generated (${TEXT_COLUMNS},
         search_tsv tsvector GENERATED ALWAYS AS (${TITLE} || ${TEXT}) STORED,
         title_tsv tsvector GENERATED ALWAYS AS (${TITLE}) STORED)`,
    );
    await pool.query(`CREATE TABLE one_tsv (t tsvector)`);
    const all = `name, brand, category, description, ingredients, line`;
    await run(
      'typed rows, no full-text columns',
      'plain',
      (w) => `INSERT INTO plain SELECT ${all} FROM src ${w}`,
    );
    await run(
      'typed rows + both generated tsvectors',
      'generated',
      (w) => `INSERT INTO generated (${all}) SELECT ${all} FROM src ${w}`,
    );
    await run('title tsvector alone', 'one_tsv', (w) => `INSERT INTO one_tsv SELECT ${TITLE} FROM src ${w}`);
    await run(
      'description tsvector alone',
      'one_tsv',
      (w) => `INSERT INTO one_tsv SELECT ${TEXT} FROM src ${w}`,
    );

    console.log(`\nbaseline: raw COPY of the CSV into an unlogged text table ${rawS.toFixed(2)} s`);
    for (const [label, s] of figures) {
      console.log(
        `${label.padEnd(48)} ${s.toFixed(2).padStart(7)} s  ${((s * 1e6) / rows).toFixed(1).padStart(6)} µs/row  ${(s / rawS).toFixed(1).padStart(5)}× raw COPY`,
      );
    }
  } finally {
    await pool.end();
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
