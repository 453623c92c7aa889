import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { CsvToCopy, FIELDS, mapHeaders, type ColumnMapping, type FieldSpec } from '#libs/ingestion';
import { DigestSet } from '../../libs/ingestion/src/csv/digest-set.js';
import {
  castSql,
  copySql,
  createStagingSql,
  reasonSql,
  stagingColumn,
  targetColumns,
  typedSql,
} from '../../libs/ingestion/src/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The typed fill takes shortcuts — each number parsed once, codes trimmed once, control-character
 * and UTF-8 scans skipped for rows the copy phase saw as printable ASCII, lengths settled by bytes
 * when they can be. A row the fill leaves out is reported only if reasonSql finds a reason, so
 * the fill must keep exactly the rows reasonSql (computed the slow way, every check on the raw
 * value) accepts, and type them as the plain casts would. Checked here on a battery of awkward
 * values, each alone in an otherwise good row, streamed through the real CSV → COPY path.
 */
describe('ingest validation: the typed fill agrees with reasonSql (integration)', () => {
  let db: TestDatabase;
  let client: pg.Client;
  const VENDOR = '6f1c7a52-8a43-4c57-9d1e-0d6a3c9b1f20';

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  const long = (c: string, n: number) => c.repeat(n);
  const GENERIC = [
    '',
    ' ',
    'plain words',
    'Ünïcödé ümlauts',
    'tab\there',
    'bell\u0007',
    'del\u007fchar',
    'c1\u0085control',
    'bad \uFFFD utf8',
    'line\u2028sep',
    long('é', 150),
    long('é', 201),
    long('a', 201),
    long('a', 2001),
    long('ü', 2001),
  ];
  const BY_KIND: Record<string, string[]> = {
    number: [
      '1',
      '-3',
      '0',
      '1e3',
      '1e40',
      'NaN',
      'nan',
      'Infinity',
      '-inf',
      '1.5',
      '12abc',
      '١٢',
      '0x10',
      '1000',
      '1000.0001',
      '999.9999',
      '1000000',
      '1000000.01',
      '3.4e38',
      '1e-50',
      '.5',
      '+7',
      '2.999999999999',
    ],
    codes: [
      'vegan',
      'Vegan|Gluten_Free',
      '{a,b}',
      'a; b , c',
      'a||b',
      '|a',
      'a b',
      '{}',
      '{ }',
      'a\t|b',
      Array.from({ length: 49 }, (_, i) => `x${i}`).join('|'),
      Array.from({ length: 50 }, (_, i) => `x${i}`).join('|'),
      Array.from({ length: 50 }, (_, i) => `x${i}`).join(', '),
      'é',
      'ab-c_d',
      '-ab',
      long('a', 2101),
    ],
    code: ['snacks', 'Snacks', 'sn acks', long('a', 40), long('a', 41), 'é', '_x'],
    bool: ['yes', 'NO', 'maybe', '1', 't', 'Y'],
    currency: ['usd', 'EUR', 'US', '€€€', 'U1D', 'ABCD'],
    gtin: ['12345678', '1234567', '12345678901234', '123456789012345', '12AB5678', '１２３４５６７８'],
    email: ['a@b.co', 'A@B.CO', 'no-at.example', 'a@b', 'a b@c.de', `${long('a', 310)}@example.com`],
    date: ['1980-05-01', '1899-12-31', '2999-01-01', '1980-13-01', '1980-5-1', '80-05-01', '1980-02-30'],
    enum: ['male', 'F', 'Other', 'unknown', 'sedentary', 'Very_Active'],
  };
  const GOOD: Record<string, string> = {
    external_id: 'SKU',
    short_text: 'Oat bar',
    long_text: 'Rolled oats, honey',
    code: 'snacks',
    codes: 'vegan|keto',
    int: '25',
    money: '2.50',
    real: '12.5',
    bool: 'yes',
    currency: 'USD',
    gtin: '12345678',
    email: 'a@b.co',
    date: '1980-05-01',
  };
  const good = (f: FieldSpec, line: number) => {
    if (f.kind === 'external_id') return `SKU-${line}`;
    if (f.kind === 'enum') return Object.keys(f.values ?? {})[0]!;
    // a number inside the field's range
    if (f.min !== undefined && f.max !== undefined) return String(Math.round((f.min + f.max) / 2));
    return GOOD[f.kind]!;
  };
  const battery = (f: FieldSpec) => [
    ...GENERIC,
    ...(BY_KIND[['int', 'money', 'real'].includes(f.kind) ? 'number' : f.kind] ?? []),
  ];
  const csvField = (v: string) => `"${v.replace(/"/g, '""')}"`;

  /** One row per (field, awkward value): that value, every other field good. */
  function file(fields: FieldSpec[]): string {
    const lines = [fields.map((f) => f.field).join(',')];
    for (const [j, f] of fields.entries()) {
      for (const value of battery(f)) {
        const line = lines.length + 1;
        lines.push(fields.map((g, k) => csvField(k === j ? value : good(g, line))).join(','));
      }
    }
    lines.push('"only,one field"'); // a malformed record: never typed
    return lines.join('\n') + '\n';
  }

  async function stage(
    name: string,
    mapping: ColumnMapping,
    csv: string,
    options: Partial<ConstructorParameters<typeof CsvToCopy>[0]> = {},
  ): Promise<CsvToCopy> {
    await client.query(createStagingSql(name, mapping));
    const toCopy = new CsvToCopy({
      fieldCount: mapping.used.length,
      columns: mapping.used.map((u) => u.index),
      ...options,
    });
    await pipeline(
      Readable.from([Buffer.from(csv)]),
      toCopy,
      client.query(copyStreams.from(copySql(name, mapping))),
    );
    return toCopy;
  }

  /** The plain casts, without shortcuts (codes as the pipeline cast them before the shortcuts). */
  const referenceCast = (f: FieldSpec, v: string) =>
    f.kind === 'codes'
      ? `coalesce(array_remove(string_to_array(replace(translate(lower(btrim(${v}, '{} ')), ';,', '||'), ' ', ''), '|'), ''), '{}')`
      : castSql(f, v);

  // one field per column (other units give way to the stored ones), values per serving
  const products = FIELDS.products.filter((f) => !f.fallback && f.field !== 'nutrient_basis');
  const cases: [string, FieldSpec[]][] = [
    ['products (price in cents)', products.filter((f) => f.field !== 'price')],
    ['products (price in currency units)', products.filter((f) => f.field !== 'price_cents')],
    ['customers', FIELDS.customers],
  ];
  it.each(cases)('%s', async (_label, fields) => {
    const tag = Math.random().toString(16).slice(2, 10);
    const [stageTable, typedTable] = [`v_stage_${tag}`, `v_typed_${tag}`];
    const csv = file(fields);
    const mapping = mapHeaders(
      fields === FIELDS.customers ? 'customers' : 'products',
      csv.split('\n')[0]!.split(','),
    );
    expect(mapping.used).toHaveLength(fields.length);
    await stage(stageTable, mapping, csv);

    const typed = typedSql(stageTable, typedTable, VENDOR, mapping, 2);
    await client.query(typed.create);
    for (const fill of typed.fill) await client.query(fill);

    const col = (f: FieldSpec) => `s.${stagingColumn(f)}`;
    const accepted = mapping.used.map((u) => `(${reasonSql(u.field, col(u.field))}) IS NULL`).join(' AND ');
    const reference = `SELECT s.line_no, uuid_generate_v5('${VENDOR}'::uuid, ${col(mapping.used.find((u) => u.field.column === 'external_id')!.field)}) AS id,
        ${mapping.used.map((u) => (u.field.column === 'external_id' ? `${col(u.field)} AS external_id` : `${referenceCast(u.field, col(u.field))} AS ${u.field.column}`)).join(', ')}
        ${targetColumns(mapping).some((t) => t.column === 'nutrient_basis' && !t.field) ? `, 'per_serving' AS nutrient_basis` : ''}
      FROM ${stageTable} s WHERE s.problem IS NULL AND ${accepted}`;
    const diff = async (a: string, b: string) => (await client.query(`${a} EXCEPT ALL ${b}`)).rows;
    const typedRows = `SELECT * FROM ${typedTable}`;

    const { rows: counts } = await client.query(
      `SELECT (SELECT count(*)::int FROM ${stageTable}) AS staged, (SELECT count(*)::int FROM ${typedTable}) AS typed,
              (SELECT count(*)::int FROM ${stageTable} WHERE NOT ascii) AS not_ascii`,
    );
    // the battery makes both kinds of row, and the shortcuts were taken for most of them
    expect(counts[0].typed).toBeGreaterThan(fields.length);
    expect(counts[0].typed).toBeLessThan(counts[0].staged - fields.length);
    expect(counts[0].not_ascii).toBeLessThan(counts[0].staged / 2);
    // same rows, same values, both ways
    expect(await diff(typedRows, reference)).toEqual([]);
    expect(await diff(reference, typedRows)).toEqual([]);
  });

  it('marks a row ascii only when every mapped value is printable ASCII', async () => {
    const mapping = mapHeaders('products', ['sku', 'name', 'notes']);
    const rows: string[] = [];
    const toCopy = new CsvToCopy({ fieldCount: 3, columns: mapping.used.map((u) => u.index) });
    toCopy.on('data', (chunk: Buffer) => rows.push(...chunk.toString().trim().split('\n')));
    await pipeline(
      Readable.from([
        'sku,name,notes\n',
        'A1,Plain bar,ignored é column\n',
        'A2,Café bar,x\n',
        'A3,"tab\there",x\n',
        'A4,"line\nbreak",x\n',
        'A5, padded  ,x\n',
        'A6,too,many,fields\n',
      ]),
      toCopy,
    );
    expect(rows.map((r) => r.split('\t')[3])).toEqual(['t', 'f', 'f', 'f', 't', 'f']);
  });

  it('stages a line whose digest is held as unchanged, its key alone, and types only the others', async () => {
    const mapping = mapHeaders('products', ['sku', 'name', 'price_cents']);
    const lines = ['sku,name,price_cents'];
    for (let i = 1; i <= 3000; i++) lines.push(`SKU-${i},Oat bar ${i},${100 + i}`);
    const csv = lines.join('\n') + '\n';
    const salt = 'v-test|';
    const tag = Math.random().toString(16).slice(2, 10);
    await stage(`d_first_${tag}`, mapping, csv, { digestSalt: salt });
    // the digests of every other line, read back the way the copy phase reads a catalogue's
    const digests = await DigestSet.fromBinaryCopy(
      client.query(
        copyStreams.to(
          `COPY (SELECT digest FROM d_first_${tag} WHERE line_no % 2 = 0) TO STDOUT (FORMAT binary)`,
        ),
      ),
    );
    expect(digests.size).toBe(1500);
    const keyColumn = mapping.used.findIndex((u) => u.field.column === 'external_id');
    const again = await stage(`d_again_${tag}`, mapping, csv, {
      digestSalt: salt,
      unchanged: { digests, keyColumn },
    });
    expect(again.unchangedLines).toBe(1500);
    const { rows } = await client.query(
      `SELECT count(*) FILTER (WHERE a.unchanged AND a.line_no % 2 = 0 AND a.digest IS NULL AND a.f_name IS NULL
                                 AND a.f_price_cents IS NULL AND a.f_external_id = f.f_external_id)::int AS keys_only,
              count(*) FILTER (WHERE NOT a.unchanged AND a.line_no % 2 = 1 AND a.digest = f.digest
                                 AND a.f_name = f.f_name)::int AS whole
         FROM d_again_${tag} a JOIN d_first_${tag} f USING (line_no)`,
    );
    expect(rows[0]).toEqual({ keys_only: 1500, whole: 1500 });
    const typed = typedSql(`d_again_${tag}`, `d_typed_${tag}`, VENDOR, mapping, 2, true);
    await client.query(typed.create);
    for (const fill of typed.fill) await client.query(fill);
    const { rows: typedRows } = await client.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE line_no % 2 = 0)::int AS even FROM d_typed_${tag}`,
    );
    expect(typedRows[0]).toEqual({ n: 1500, even: 0 });
  });
});
