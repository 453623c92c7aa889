import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IsSafeText, hasControlChars } from './decorators.js';

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
