import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidationFailed, type ErrorDetail } from '../errors/app-error.js';

/**
 * One problem per field, the one a person can act on: a missing field is "<field> is required";
 * otherwise the first constraint it fails (validation stops there), not the cascade after it.
 */
function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const [first] = Object.entries(e.constraints ?? {});
    const own: ErrorDetail[] = [];
    if (first) {
      const [constraint, message] = first;
      if (constraint === 'whitelistValidation') {
        own.push({ field, constraint, message: `${field} is not an allowed field` });
      } else if (e.value === undefined) {
        own.push({ field, constraint: 'required', message: `${field} is required` });
      } else {
        own.push({ field, constraint, message });
      }
    }
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Deeper than any request we define (the deepest is 3); deeper input would only exhaust the stack. */
export const MAX_INPUT_DEPTH = 16;

/**
 * Checks what no DTO can express, before class-transformer walks the value recursively: the
 * nesting depth, and text PostgreSQL cannot store (a lone UTF-16 surrogate, a NUL character).
 * Iterative, so a hostile body cannot overflow the stack here either.
 */
export function checkInputShape(value: unknown, where: string): void {
  const stack: [unknown, string, number][] = [[value, where, 0]];
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v === 'string') {
      checkText(v, path);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      throw new ValidationFailed(
        `The ${where} is nested more than ${MAX_INPUT_DEPTH} levels deep`,
        [{ field: path, message: 'nested too deeply' }],
        'input_too_deep',
      );
    }
    for (const [k, child] of Object.entries(v)) {
      checkText(k, path);
      stack.push([child, `${path}.${k}`, depth + 1]);
    }
  }
}

/** With the u flag a lone surrogate is a code point of its own (Cs); a valid pair is not. */
// eslint-disable-next-line no-control-regex -- NUL is what is looked for
const UNSTORABLE = /[\p{Cs}\u0000]/u;

function checkText(text: string, field: string): void {
  if (UNSTORABLE.test(text)) {
    throw new ValidationFailed(
      'Text must be valid Unicode without NUL characters',
      [{ field, message: 'contains a lone surrogate or a NUL character' }],
      'invalid_text',
    );
  }
}

/** Unknown fields are refused (not silently dropped), values are transformed to DTOs. */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') checkInputShape(value, metadata.type);
    return super.transform(value, metadata);
  }
}

/** The global pipe. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: true,
    // the value is looked at (is it missing?), never echoed: details carry field and message only
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new ValidationFailed('The request is not valid', flatten(errors)),
  });
}
