import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { EXTERNAL_ID_PATTERN, HasAtMostDecimals, IsSafeText, IsSingleLine } from './decorators.js';

/** How a field's value is written and checked, in a JSON body and in a CSV cell alike. */
export type FieldKind =
  | 'external_id'
  | 'short_text'
  | 'long_text'
  | 'code'
  | 'codes'
  | 'int'
  | 'money'
  | 'real'
  | 'bool'
  | 'currency'
  | 'gtin'
  | 'email'
  | 'date'
  | 'enum';

/**
 * One field of an entity as the outside world writes it: the column it fills, its kind and
 * bounds, its label, and the CSV header names it is recognised by. A lib keeps one catalogue per
 * entity (`Record<name, FieldDef>`); the DTO validators (catalogueField), the ingestion field
 * specs and the docs derive from it, and a unit test holds it to the entity and the migrations'
 * CHECKs (migrations/field-catalogues.spec.ts).
 */
export interface FieldDef {
  /** The entity column it fills. */
  column: string;
  kind: FieldKind;
  label: string;
  description?: string;
  example?: unknown;
  /** Required in a create body and as a CSV column; otherwise optional (and nullable, unless `default`). */
  required?: boolean;
  /** What an omitted value becomes (the column's default). */
  default?: unknown;
  min?: number;
  max?: number;
  /** Digits after the point a JSON number may have. */
  decimals?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  /** A code (or each code of a list) must match it. */
  pattern?: RegExp;
  /** enum: the stored values. */
  values?: readonly string[];
  /** enum: other spellings a CSV cell may use (lower-case) → stored value. */
  aliases?: Record<string, string>;
  /** CSV header names (besides the field's own name) that map to it. */
  synonyms?: string[];
  /**
   * How a JSON value is read before it is validated (codes: every spelling to its canonical code).
   * A CSV cell gets the same treatment from ingestion's line transform.
   */
  normalise?: (value: unknown) => unknown;
}

const CURRENCY = /^[A-Z]{3}$/;
const GTIN = /^[0-9]{8,14}$/;

/** Swagger's description of the field, as in the catalogue. */
function apiOptions(def: FieldDef): ApiPropertyOptions {
  const nullable = !def.required && def.default === undefined;
  const base = {
    ...(def.example !== undefined ? { example: def.example } : {}),
    ...(def.description ? { description: def.description } : {}),
    ...(def.default !== undefined ? { default: def.default } : {}),
    ...(nullable ? { nullable: true } : {}),
  };
  switch (def.kind) {
    case 'int':
    case 'money':
      return { ...base, type: 'integer', minimum: def.min, maximum: def.max };
    case 'real':
      return { ...base, type: Number, minimum: def.min, maximum: def.max };
    case 'bool':
      return { ...base, type: Boolean };
    case 'codes':
      return { ...base, type: [String], maxItems: def.maxItems };
    case 'enum':
      return { ...base, enum: [...def.values!] };
    case 'date':
      return { ...base, type: String, format: 'date' };
    case 'email':
      return { ...base, type: String, format: 'email', maxLength: def.maxLength };
    case 'code':
      return { ...base, type: String, pattern: def.pattern?.source };
    case 'currency':
      return { ...base, type: String, pattern: CURRENCY.source };
    case 'gtin':
      return { ...base, type: String, pattern: GTIN.source };
    default:
      return { ...base, type: String, maxLength: def.maxLength };
  }
}

/** The validators of one kind. */
function validators(def: FieldDef): PropertyDecorator[] {
  const range = [
    ...(def.min !== undefined ? [Min(def.min)] : []),
    ...(def.max !== undefined ? [Max(def.max)] : []),
  ];
  switch (def.kind) {
    case 'external_id':
      return [
        IsString(),
        Matches(EXTERNAL_ID_PATTERN, {
          message: `${def.column} must be 1–200 characters without control characters`,
        }),
      ];
    case 'short_text':
      return [IsSingleLine({ min: def.minLength ?? (def.required ? 1 : 0), max: def.maxLength! })];
    case 'long_text':
      return [IsSafeText({ max: def.maxLength! })];
    case 'code':
      return [IsString(), Matches(def.pattern!)];
    case 'codes':
      return [
        IsArray(),
        ArrayMaxSize(def.maxItems!),
        ArrayUnique(),
        IsString({ each: true }),
        Matches(def.pattern!, { each: true }),
      ];
    case 'int':
    case 'money':
      return [IsInt(), ...range];
    case 'real':
      return [
        IsNumber({ allowNaN: false, allowInfinity: false }),
        ...(def.decimals !== undefined ? [HasAtMostDecimals(def.decimals)] : []),
        ...range,
      ];
    case 'bool':
      return [IsBoolean()];
    case 'currency':
      return [IsString(), Matches(CURRENCY)];
    case 'gtin':
      return [IsString(), Matches(GTIN)];
    case 'email':
      return [IsEmail(), MaxLength(def.maxLength ?? 320)];
    case 'date':
      return [IsDateString({ strict: true })];
    case 'enum':
      return [IsIn([...def.values!])];
  }
}

/**
 * The Swagger description and class-validator checks of a body property, from its catalogue
 * entry: `@catalogueField(PRODUCT_FIELD_CATALOGUE.brand) brand?: string | null`.
 */
export function catalogueField(def: FieldDef): PropertyDecorator {
  const options = apiOptions(def);
  const normalise = def.normalise
    ? [Transform(({ value }) => (value === undefined || value === null ? value : def.normalise!(value)))]
    : [];
  return def.required
    ? applyDecorators(ApiProperty(options), ...normalise, ...validators(def))
    : applyDecorators(ApiPropertyOptional(options), IsOptional(), ...normalise, ...validators(def));
}
