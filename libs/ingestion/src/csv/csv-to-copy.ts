import { hash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { LineWarning } from '#libs/db';
import { MAX_ERROR_ROWS } from '../sql.js';
import type { DigestSet } from './digest-set.js';
import { CsvFormatError, CsvTokenizer } from './tokenizer.js';

export interface CsvHeader {
  names: string[];
  line: number;
}

const BOM = '\uFEFF';

function checkText(text: string, offset: number): void {
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    throw new CsvFormatError(
      `this is not a CSV text file: it contains binary data (a NUL byte near character ${offset + nul})`,
    );
  }
}

/** The header record: the first non-blank record of the file. Reads only as far as it needs. */
export async function readHeader(source: Readable): Promise<CsvHeader> {
  const decoder = new StringDecoder('utf8');
  const tokenizer = new CsvTokenizer();
  let header: CsvHeader | null = null;
  let first = true;
  let seen = 0;
  const sink = (fields: string[], line: number) => {
    if (!header) header = { names: fields.map((f) => f.trim()), line };
  };
  try {
    for await (const chunk of source) {
      let text = decoder.write(chunk as Buffer);
      if (first && text.startsWith(BOM)) text = text.slice(1);
      first = false;
      checkText(text, seen);
      seen += text.length;
      tokenizer.feed(text, false, sink);
      if (header) break;
    }
    if (!header) tokenizer.feed(decoder.end(), true, sink);
  } finally {
    source.destroy();
  }
  if (!header) throw new CsvFormatError('the file is empty');
  const h = header as CsvHeader;
  if (h.names.some((n) => n.includes('\uFFFD'))) {
    throw new CsvFormatError('this is not a UTF-8 CSV file (the header is not valid UTF-8 text)');
  }
  // a trailing delimiter on the header line
  if (h.names.length > 1 && h.names[h.names.length - 1] === '') h.names.pop();
  return h;
}

/** COPY text format: \N for an empty value; backslash, tab, LF, CR escaped. */
function copyValue(v: string): string {
  const t = v.trim();
  if (t === '') return '\\N';
  if (!/[\\\t\n\r]/.test(t)) return t;
  return t.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** Anything but printable ASCII (space to tilde). */
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;

export interface CsvToCopyOptions {
  /** Fields in the header (a record with one more, empty, field had a trailing delimiter). */
  fieldCount: number;
  /** Source field index of each staging column, in the staging table's column order. */
  columns: number[];
  /** Called every ~10 000 records with the count so far. */
  onProgress?: (records: number) => void;
  /**
   * When set, each good row gets a `digest` (lineDigest of this salt and its staged values): what
   * the line would make of a product, for skipping unchanged lines on a re-ingest.
   */
  digestSalt?: string;
  /**
   * The digests the live rows were written from (with digestSalt): a line whose digest is among
   * them is staged as unchanged — its line number, `unchanged` true and its key (the staged column
   * `keyColumn`), nothing else — so what follows neither stores nor reads its values.
   */
  unchanged?: { digests: DigestSet; keyColumn: number };
  /**
   * Rewrites a good line's mapped values (in staging column order) in place before they are staged,
   * returning the line's warnings, or null (codes to their canonical form, see the bulk target's
   * lineTransform).
   */
  transform?: (values: string[]) => readonly LineWarning[] | null;
  /** How many warnings are kept with their line (all are counted); MAX_ERROR_ROWS by default. */
  keptWarnings?: number;
}

/**
 * A line's digest: the first 128 bits of SHA-1 over the salt and the line's mapped values as they
 * are staged (trimmed, COPY-escaped, tab-separated: one text for one set of values), as a uuid —
 * the form products.source_digest stores. Not a security boundary: a vendor's own lines are
 * compared with the vendor's own products.
 */
export function lineDigest(salt: string, stagedValues: string): string {
  return digestUuid(digestBytes(salt, stagedValues));
}

/** lineDigest's bytes (the first 16 are the digest). */
const digestBytes = (salt: string, stagedValues: string): Buffer =>
  hash('sha1', `${salt}\n${stagedValues}`, 'buffer') as unknown as Buffer;
const digestUuid = (bytes: Buffer): string => {
  const h = bytes.toString('hex', 0, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/** One warning as ingest_errors keeps it: the line and what the transform said. */
export interface KeptWarning extends LineWarning {
  line: number;
}

/**
 * The warnings of a file's lines: how many lines had any, counts by reason, and the first ones in
 * full (`keep` of them), handed out as they come (take).
 */
export class WarningTally {
  lines = 0;
  readonly counts: Record<string, number> = {};
  private kept = 0;
  private fresh: KeptWarning[] = [];

  constructor(private readonly keep: number) {}

  add(line: number, warnings: readonly LineWarning[]): void {
    this.lines++;
    for (const w of warnings) {
      this.counts[w.reason] = (this.counts[w.reason] ?? 0) + 1;
      if (this.kept < this.keep) {
        this.kept++;
        this.fresh.push({ line, ...w });
      }
    }
  }

  /** The warnings kept since the last take, in line order. */
  take(): KeptWarning[] {
    const taken = this.fresh;
    this.fresh = [];
    return taken;
  }
}

/**
 * CSV bytes → COPY text rows `line_no, problem, raw, ascii, digest, unchanged, <mapped columns…>` for
 * the staging table; the lines' warnings tallied on the way (`warnings`). The header record is dropped; a record with the wrong number of fields becomes a row with
 * its problem and raw text (and no values), so SQL reports it with the others. `ascii` says every
 * mapped value is printable ASCII, which lets validation skip its scans for control characters and
 * invalid UTF-8 (V8 tests that here far faster than a regular expression in SQL).
 */
export class CsvToCopy extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private readonly tokenizer = new CsvTokenizer();
  private first = true;
  private headerSeen = false;
  private seen = 0;
  records = 0;
  /** Lines staged as unchanged (their digest among options.unchanged's). */
  unchangedLines = 0;
  readonly warnings: WarningTally;
  private out: string[] = [];
  private readonly sink = (fields: string[], line: number, problem: string | null) => {
    if (!this.headerSeen) {
      this.headerSeen = true;
      return;
    }
    this.records++;
    const { fieldCount, columns } = this.options;
    if (fields.length === fieldCount + 1 && fields[fieldCount]!.trim() === '') fields.pop();
    if (problem === null && fields.length !== fieldCount)
      problem = `expected ${fieldCount} fields, found ${fields.length}`;
    let row = `${line}\t`;
    if (problem !== null) {
      row += `${copyValue(problem)}\t${copyValue(fields.join(',').slice(0, 1000))}\tf\t\\N\tf`;
      for (let i = 0; i < columns.length; i++) row += '\t\\N';
    } else {
      const mapped = columns.map((c) => fields[c]!);
      const warnings = this.options.transform ? this.options.transform(mapped) : null;
      if (warnings !== null) this.warnings.add(line, warnings);
      let values = '';
      let ascii = true;
      for (const v of mapped) {
        if (ascii && NOT_PRINTABLE_ASCII.test(v)) ascii = false;
        values += '\t' + copyValue(v);
      }
      const salt = this.options.digestSalt;
      const bytes = salt === undefined ? null : digestBytes(salt, values);
      const unchanged = this.options.unchanged;
      if (bytes !== null && unchanged?.digests.has(bytes)) {
        this.unchangedLines++;
        const key = unchanged.keyColumn;
        row += `${this.unchangedBefore}${copyValue(mapped[key]!)}${this.unchangedAfter}`;
      } else {
        const digest = bytes === null ? '\\N' : digestUuid(bytes);
        row += `\\N\t\\N\t${ascii ? 't' : 'f'}\t${digest}\tf${values}`;
      }
    }
    this.out.push(row);
    if (this.records % 10_000 === 0) this.options.onProgress?.(this.records);
  };

  constructor(private readonly options: CsvToCopyOptions) {
    super({ writableHighWaterMark: 1 << 20, readableHighWaterMark: 1 << 20 });
    this.warnings = new WarningTally(options.keptWarnings ?? MAX_ERROR_ROWS);
    // an unchanged line's row around its key: no problem, no raw text, ascii, no digest, unchanged
    const key = options.unchanged?.keyColumn ?? 0;
    this.unchangedBefore = `\\N\t\\N\tt\t\\N\tt${'\t\\N'.repeat(key)}\t`;
    this.unchangedAfter = '\t\\N'.repeat(options.columns.length - key - 1);
  }

  private readonly unchangedBefore: string;
  private readonly unchangedAfter: string;

  private emit_(text: string, final: boolean): void {
    if (this.first && text.startsWith(BOM)) text = text.slice(1);
    if (text.length > 0) this.first = false;
    checkText(text, this.seen);
    this.seen += text.length;
    this.tokenizer.feed(text, final, this.sink);
    if (this.out.length > 0) {
      this.push(this.out.join('\n') + '\n');
      this.out = [];
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.emit_(this.decoder.write(chunk), false);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.emit_(this.decoder.end(), true);
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}
