import type { Type } from '@nestjs/common';
import { createValidationPipe, ValidationFailed, type ErrorDetail } from '#libs/common';
import type { QuestionField } from '#libs/calculator';

/** What a form post looks like once parsed: a value, or a list for a repeated name. */
export type FormBody = Record<string, string | string[] | undefined>;

const NUMBER = /^-?\d+(\.\d+)?$/;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * A form post as the API's request body: only the step's own fields; empty means "not given";
 * numbers as numbers when they look like one (anything else reaches the validator as typed, and
 * is refused with its message); checkboxes as lists (none ticked is an empty list: a cleared answer).
 */
export function answersFromForm(fields: QuestionField[], body: FormBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = body[f.name];
    if (f.type === 'multi_enum') {
      out[f.name] = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      continue;
    }
    const value = first(raw)?.trim();
    if (value === undefined || value === '') continue;
    out[f.name] = (f.type === 'integer' || f.type === 'number') && NUMBER.test(value) ? Number(value) : value;
  }
  return out;
}

const pipe = createValidationPipe();

/**
 * The API's own validation (the same DTO, the same pipe): the one set of rules for both. Returns
 * the DTO, or the problems field by field.
 */
export async function validateAs<T>(
  dto: Type<T>,
  value: Record<string, unknown>,
): Promise<{ ok: true; value: T } | { ok: false; errors: ErrorDetail[] }> {
  try {
    return { ok: true, value: (await pipe.transform(value, { type: 'body', metatype: dto })) as T };
  } catch (err) {
    if (err instanceof ValidationFailed) return { ok: false, errors: err.details };
    throw err;
  }
}

/** The problems by field, each in words for the form (the field's label instead of its name). */
export function fieldErrors(errors: ErrorDetail[], fields: QuestionField[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const name = (e.field ?? '').split('.')[0]!;
    const field = fields.find((f) => f.name === name);
    if (!field || out[name]) continue;
    out[name] = inWords(e, field);
  }
  return out;
}

function inWords(e: ErrorDetail, f: QuestionField): string {
  const label = f.unit && f.unit !== 'years' && !f.label.includes('(') ? `${f.label} (${f.unit})` : f.label;
  if (e.constraint === 'required') {
    return f.type === 'enum' ? `Choose your ${f.label.toLowerCase()}` : `Enter your ${label.toLowerCase()}`;
  }
  if (e.constraint === 'isIn') return `Choose one of the options for ${f.label.toLowerCase()}`;
  if (
    f.min !== undefined &&
    f.max !== undefined &&
    /^(min|max|isNumber|isInt)$/.test(String(e.constraint ?? ''))
  ) {
    const whole = f.type === 'integer' ? 'a whole number' : 'a number';
    return `${label} must be ${whole} from ${f.min} to ${f.max}`;
  }
  const text = e.message.startsWith(f.name) ? `${label}${e.message.slice(f.name.length)}` : e.message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
