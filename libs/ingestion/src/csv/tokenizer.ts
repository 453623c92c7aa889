/**
 * An incremental, lenient CSV record splitter (RFC 4180 plus what real exports contain): quoted
 * fields with commas, doubled quotes and line breaks, CRLF or LF, blank lines skipped, a quote
 * inside an unquoted field taken literally. It reports the file line where each record starts
 * (the header is line 1 unless blank lines precede it), which is what errors.csv names.
 *
 * Not a library on purpose: the pipeline needs the start line of every record and must never
 * throw on one malformed record (one bad row never fails the file), at hundreds of MB/s.
 */
export type RecordSink = (fields: string[], line: number, problem: string | null) => void;

/** A record longer than this without its closing quote is a runaway quote, not a row. */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

export class CsvFormatError extends Error {}

export class CsvTokenizer {
  private buf = '';
  /** Line number of buf[0]. */
  private line = 1;

  /** Feeds text; calls `sink` per complete record. With `final`, flushes the last record. */
  feed(text: string, final: boolean, sink: RecordSink): void {
    const buf = this.buf.length > 0 ? this.buf + text : text;
    let pos = 0;
    let line = this.line;
    const n = buf.length;
    while (pos < n) {
      const start = pos;
      const startLine = line;
      const fields: string[] = [];
      let problem: string | null = null;
      let complete = false;
      let nextNl = buf.indexOf('\n', pos);
      // one record
      for (;;) {
        if (buf.charCodeAt(pos) === 34 /* " */) {
          // quoted field
          let value = '';
          let from = pos + 1;
          let closed = false;
          for (;;) {
            const q = buf.indexOf('"', from);
            if (q === -1) break;
            if (buf.charCodeAt(q + 1) === 34) {
              value += buf.slice(from, q + 1);
              from = q + 2;
              continue;
            }
            if (q + 1 === n && !final) break; // "" may straddle the chunk boundary
            value += buf.slice(from, q);
            closed = true;
            pos = q + 1;
            break;
          }
          if (!closed) {
            if (!final) break; // wait for more text
            value += buf.slice(from);
            problem = 'a quoted field is not closed';
            pos = n;
          }
          for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) line++;
          // anything between the closing quote and the delimiter is kept (lenient)
          let end = pos;
          while (end < n) {
            const c = buf.charCodeAt(end);
            if (c === 44 || c === 10) break;
            end++;
          }
          if (end > pos) value += buf.slice(pos, end).replace(/\r$/, '');
          pos = end;
          fields.push(value);
        } else {
          if (nextNl !== -1 && nextNl < pos) nextNl = buf.indexOf('\n', pos);
          let comma = buf.indexOf(',', pos);
          if (nextNl !== -1 && (comma === -1 || comma > nextNl)) comma = -1;
          if (comma !== -1) {
            fields.push(buf.slice(pos, comma));
            pos = comma;
          } else if (nextNl !== -1) {
            const end = nextNl > pos && buf.charCodeAt(nextNl - 1) === 13 ? nextNl - 1 : nextNl;
            fields.push(buf.slice(pos, end));
            pos = nextNl;
          } else {
            if (!final) break;
            fields.push(buf.slice(pos).replace(/\r$/, ''));
            pos = n;
          }
        }
        // after a field: a delimiter, a line end, or the end of the text
        if (pos >= n) {
          if (!final) break;
          complete = true;
          break;
        }
        const c = buf.charCodeAt(pos);
        if (c === 44) {
          pos++;
          if (pos >= n && !final) break;
          if (pos >= n) {
            fields.push('');
            complete = true;
            break;
          }
          continue;
        }
        // line feed
        pos++;
        line++;
        complete = true;
        break;
      }
      if (!complete) {
        // incomplete record: keep it for the next feed
        if (pos - start > MAX_RECORD_CHARS || n - start > MAX_RECORD_CHARS) {
          throw new CsvFormatError(
            `line ${startLine}: a record is longer than ${MAX_RECORD_CHARS / 1024 / 1024} MB — a quoted field is probably not closed`,
          );
        }
        this.buf = buf.slice(start);
        this.line = startLine;
        return;
      }
      // blank line, or a line of empty fields (spreadsheet exports pad with ",,,,")
      if (problem === null && fields.every((f) => f.trim() === '')) continue;
      sink(fields, startLine, problem);
    }
    this.buf = '';
    this.line = line;
  }
}
