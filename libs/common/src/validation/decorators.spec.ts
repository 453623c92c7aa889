import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  EXTERNAL_ID_PATTERN,
  IsSafeText,
  IsSingleLine,
  hasAtMostDecimals,
  hasControlChars,
  isSingleLineText,
} from './decorators.js';

class Note {
  @IsSafeText({ max: 10, min: 1 })
  text!: string;
}

const errors = (text: unknown) => validateSync(plainToInstance(Note, { text }));

describe('IsSafeText', () => {
  it('accepts text with tabs and newlines', () => {
    expect(errors('a\tb\nc\r\nd')).toHaveLength(0);
  });

  it('rejects other control characters, overlong and non-string values', () => {
    expect(errors('nul\u0000')).toHaveLength(1);
    expect(errors('bell\u0007')).toHaveLength(1);
    expect(errors('x'.repeat(11))).toHaveLength(1);
    expect(errors('')).toHaveLength(1);
    expect(errors(42)).toHaveLength(1);
  });

  it('detects control characters', () => {
    expect(hasControlChars('ok\n')).toBe(false);
    expect(hasControlChars('esc\u001b')).toBe(true);
  });
});

describe('the text rules', () => {
  class Line {
    @IsSingleLine({ max: 50 })
    text!: string;
  }
  const lineErrors = (text: unknown) => validateSync(plainToInstance(Line, { text }));

  it.each([
    ['a right-to-left override', 'invoice\u202Efdp.exe'],
    ['a first-strong isolate', 'a\u2068b'],
    ['a left-to-right mark', 'a\u200Eb'],
    ['an Arabic letter mark', 'a\u061Cb'],
    ['a C1 control', 'a\u0085b'],
  ])('refuse %s in single-line and multi-line text alike', (_what, text) => {
    expect(lineErrors(text)).toHaveLength(1);
    expect(errors(text.slice(0, 10))).toHaveLength(1);
    expect(EXTERNAL_ID_PATTERN.test(text)).toBe(false);
  });

  it('single-line text refuses line breaks and tabs; multi-line text keeps them', () => {
    for (const text of ['a\nb', 'a\rb', 'a\tb', 'a\u2028b', 'a\u2029b']) {
      expect(lineErrors(text)).toHaveLength(1);
      expect(isSingleLineText(text)).toBe(false);
    }
    expect(errors('a\nb')).toHaveLength(0);
    expect(lineErrors('Crème brûlée — 200 g, 日本語 🍫')).toHaveLength(0);
    expect(EXTERNAL_ID_PATTERN.test('SKU-Ø 12/α')).toBe(true);
  });
});

describe('hasAtMostDecimals', () => {
  it.each([
    [12.34, 2, true],
    [12.345, 2, false],
    [1e-7, 2, false],
    [5e-324, 1, false],
    [-0, 1, true],
    [1e300, 2, true],
    [0.1, 1, true],
    [Number.MAX_VALUE, 1, true],
    [Number.NaN, 1, false],
  ])('%p with %p decimals → %p (no throw at any magnitude)', (value, decimals, ok) => {
    expect(hasAtMostDecimals(value, decimals)).toBe(ok);
  });
});
