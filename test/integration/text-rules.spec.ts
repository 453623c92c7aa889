import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { hasControlChars, isSingleLineText, textRuleSql } from '#libs/common';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * One text rule for JSON bodies and CSV cells: the regular expression ingestion's SQL uses and the
 * validators' JavaScript agree on every string, controls and bidirectional characters included.
 */
describe('text rules: JavaScript and PostgreSQL agree (integration)', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await db.owner();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('on 3 000 strings full of controls, separators and bidi characters', async () => {
    const special = fc.constantFrom(
      ...'\u0001\u0007\t\n\r\u001b\u007f\u0085\u009f\u200e\u200f\u061c\u2028\u2029\u202a\u202e\u2066\u2069 aé€😀'.split(
        '',
      ),
    );
    const strings = fc.sample(
      fc
        .array(fc.oneof(special, fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 8 })
        .map((a) => a.join('')),
      { numRuns: 3000, seed: 20261207 },
    );
    const rows: { single: boolean; multi: boolean }[] = await ds.query(
      `SELECT s ~ ${textRuleSql('single')} AS single, s ~ ${textRuleSql('multi')} AS multi
         FROM unnest($1::text[]) WITH ORDINALITY u (s, i) ORDER BY i`,
      [strings],
    );
    const disagreements = strings.filter(
      (s, i) => rows[i]!.single === isSingleLineText(s) || rows[i]!.multi !== hasControlChars(s),
    );
    expect(disagreements.map((s) => JSON.stringify(s))).toEqual([]);
    expect(rows.filter((r) => r.single).length).toBeGreaterThan(500);
  });
});
