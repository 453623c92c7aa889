import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';

/*
 * The text rules, in one place: every user-supplied string is checked by one of these two, in a
 * JSON body (the decorators below) and in a CSV cell (ingestion's SQL reads the same character
 * classes, as `textRuleSql`).
 *
 * - Never: C0 and C1 control characters other than tab, newline and carriage return; and the
 *   bidirectional formatting characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C),
 *   which make a displayed text read differently from what it is ("Trojan Source").
 * - Single-line values (ids, names, descriptions of a thing, sources): additionally no tab,
 *   newline, carriage return, or Unicode line and paragraph separators (U+2028, U+2029).
 */
type Range = readonly [number, number];
const BIDI: Range[] = [
  [0x202a, 0x202e],
  [0x2066, 0x2069],
  [0x200e, 0x200f],
  [0x061c, 0x061c],
];
const CONTROLS: Range[] = [
  [0x00, 0x08],
  [0x0b, 0x0c],
  [0x0e, 0x1f],
  [0x7f, 0x9f],
];
const LINE_BREAKS: Range[] = [
  [0x09, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
];
const FORBIDDEN = { multi: [...CONTROLS, ...BIDI], single: [...CONTROLS, ...BIDI, ...LINE_BREAKS] };

const hex = (n: number) => n.toString(16).padStart(4, '0');
/** A JavaScript character class body: `\u0000-\u0008…`. */
const jsClass = (ranges: Range[]) =>
  ranges.map(([a, b]) => (a === b ? `\\u${hex(a)}` : `\\u${hex(a)}-\\u${hex(b)}`)).join('');

/** Control characters other than tab, newline and carriage return, and bidi controls. */
export const CONTROL_CHARS = new RegExp(`[${jsClass(FORBIDDEN.multi)}]`, 'u');
const MULTI_LINE = new RegExp(`^[^${jsClass(FORBIDDEN.multi)}]*$`, 'u');
const SINGLE_LINE = new RegExp(`^[^${jsClass(FORBIDDEN.single)}]*$`, 'u');
/** A vendor's own id for a product or customer: 1–200 characters of single-line text. */
export const EXTERNAL_ID_PATTERN = new RegExp(`^[^${jsClass(FORBIDDEN.single)}]{1,200}$`, 'u');

export function hasControlChars(value: string): boolean {
  return CONTROL_CHARS.test(value);
}

/** True when `value` is acceptable single-line text (no length check). */
export function isSingleLineText(value: string): boolean {
  return SINGLE_LINE.test(value);
}

/**
 * The same rules as a PostgreSQL regular expression literal matching a value that breaks them
 * (`value ~ textRuleSql('single')`); NUL cannot occur in PostgreSQL text, so ranges start at 1.
 */
export function textRuleSql(kind: 'single' | 'multi'): string {
  const ranges = FORBIDDEN[kind].map(([a, b]): Range => [Math.max(a, 1), b]);
  return `'[${jsClass(ranges)}]'`;
}

/** Multi-line user text (notes, a vendor's description): length-limited, see the rules above. */
export function IsSafeText(options: { max: number; min?: number }): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MinLength(options.min ?? 0),
    MaxLength(options.max),
    Matches(MULTI_LINE, {
      message: '$property must not contain control or bidirectional formatting characters',
    }),
  );
}

/** Single-line user text (names, titles, descriptions of a thing, sources): see the rules above. */
export function IsSingleLine(options: { max: number; min?: number }): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MinLength(options.min ?? 0),
    MaxLength(options.max),
    Matches(SINGLE_LINE, {
      message: '$property must be a single line without control or bidirectional formatting characters',
    }),
  );
}

/** A UUID in its canonical text form (any version). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A number with at most `decimals` digits after the point, for any magnitude. (class-validator's
 * own `maxDecimalPlaces` throws on numbers below 1e-6, which print as `1e-7` — typestack/
 * class-validator#1705 — and a thrown validator was a 500.) Non-numbers pass: IsNumber reports them.
 */
export function HasAtMostDecimals(decimals: number): PropertyDecorator {
  return ValidateBy({
    name: 'hasAtMostDecimals',
    validator: {
      validate: (value: unknown) => typeof value !== 'number' || hasAtMostDecimals(value, decimals),
      defaultMessage: (args) => `${args?.property ?? 'value'} must have at most ${decimals} decimal places`,
    },
  });
}

export function hasAtMostDecimals(value: number, decimals: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (Number.isInteger(value)) return true;
  // toFixed is exact for the magnitudes a decimal place means anything at (|value| < 1e21)
  return Math.abs(value) < 1e21 && Number(value.toFixed(decimals)) === value;
}
