import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** Control characters other than tab, newline and carriage return. */
/* eslint-disable no-control-regex -- matching control characters is the point */
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const NO_CONTROL_CHARS = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;

/**
 * A single-line value (a name): no control characters at all (newlines and tabs included), no
 * line or paragraph separators, and no bidirectional controls (U+202A–U+202E, U+2066–U+2069,
 * U+200E, U+200F, U+061C), which can make a displayed name read differently from what it is.
 */
const SINGLE_LINE =
  /^[^\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]*$/;

/* eslint-enable no-control-regex */

export function hasControlChars(value: string): boolean {
  return CONTROL_CHARS.test(value);
}

/** A user-supplied string: length-limited, no control characters except tab and newlines. */
export function IsSafeText(options: { max: number; min?: number }): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MinLength(options.min ?? 0),
    MaxLength(options.max),
    Matches(NO_CONTROL_CHARS, { message: '$property must not contain control characters' }),
  );
}

/** A user-supplied single-line string (names, titles): length-limited, see SINGLE_LINE. */
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

/** A vendor's own id for a product or customer: 1–200 characters, no control characters. */
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
export const EXTERNAL_ID_PATTERN = /^[^\u0000-\u001F\u007F]{1,200}$/;
