import fc from 'fast-check';
import { CsvFormatError, CsvTokenizer } from './tokenizer.js';

type Rec = { fields: string[]; line: number; problem: string | null };

/** Feeds the text in the given chunk sizes and collects the records. */
function parse(text: string, chunks: number[] = [text.length]): Rec[] {
  const out: Rec[] = [];
  const t = new CsvTokenizer();
  let pos = 0;
  let i = 0;
  while (pos < text.length) {
    const n = Math.max(1, chunks[i++ % chunks.length]!);
    t.feed(text.slice(pos, pos + n), false, (fields, line, problem) => out.push({ fields, line, problem }));
    pos += n;
  }
  t.feed('', true, (fields, line, problem) => out.push({ fields, line, problem }));
  return out;
}

const quote = (v: string) => (/[",\r\n]/.test(v) || v.trim() !== v ? `"${v.replace(/"/g, '""')}"` : v);

describe('CsvTokenizer', () => {
  it('splits quoted commas, doubled quotes and line breaks, CRLF, and reports start lines', () => {
    const text = 'a,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"two\nlines",z\n3,,\n';
    expect(parse(text)).toEqual([
      { fields: ['a', 'b', 'c'], line: 1, problem: null },
      { fields: ['1', 'x, y', 'say "hi"'], line: 2, problem: null },
      { fields: ['2', 'two\nlines', 'z'], line: 4, problem: null },
      { fields: ['3', '', ''], line: 6, problem: null },
    ]);
  });

  it('skips blank lines and lines of empty fields; keeps a last line without a line break', () => {
    expect(parse('a,b\n\n  \n,,,\n1,2')).toEqual([
      { fields: ['a', 'b'], line: 1, problem: null },
      { fields: ['1', '2'], line: 5, problem: null },
    ]);
  });

  it('takes a stray quote in an unquoted field literally and reports an unclosed quote at the end', () => {
    expect(parse('5" screen,ok\n"open,x\n')).toEqual([
      { fields: ['5" screen', 'ok'], line: 1, problem: null },
      { fields: ['open,x\n'], line: 2, problem: 'a quoted field is not closed' },
    ]);
  });

  it('refuses a runaway quote instead of buffering the rest of the file', () => {
    const t = new CsvTokenizer();
    const chunk = 'x'.repeat(1 << 20);
    expect(() => {
      t.feed('"', false, () => undefined);
      for (let i = 0; i < 10; i++) t.feed(chunk, false, () => undefined);
    }).toThrow(CsvFormatError);
  });

  it('round-trips any table, however the text is chunked', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', '😀', '\\'),
      maxLength: 6,
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (rows, chunks, crlf) => {
          const nl = crlf ? '\r\n' : '\n';
          // a record of only empty/blank fields is skipped by design; give each row a marker
          const table = rows.map((r, i) => [`r${i}`, ...r]);
          const text = table.map((r) => r.map(quote).join(',')).join(nl) + nl;
          const parsed = parse(text, chunks).map((r) => r.fields);
          expect(parsed).toEqual(table);
        },
      ),
      { numRuns: 300 },
    );
  });
});
