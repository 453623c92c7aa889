import { PRODUCT_FIELD_CATALOGUE, productField } from '#libs/catalogue';
import type { FieldDef } from '#libs/common';
import {
  CUSTOMER_FIELD_CATALOGUE,
  HEALTH_FIELD_CATALOGUE,
  customerField,
  healthField,
  type CustomerField,
  type HealthField,
} from '#libs/customers';
import { INGEST_MODES } from '#libs/db';

/**
 * What a CSV may hold, per ingest mode: each field's target column, how it is validated and cast
 * in SQL (the staging table holds text), and the header names it is recognised by — all from the
 * entities' field catalogues (the catalogue and customers libs).
 */
export { INGEST_MODES };
export type IngestMode = (typeof INGEST_MODES)[number];

/** A CSV field: a catalogue entry under the name a header maps to, with its accepted spellings. */
export interface FieldSpec extends Omit<FieldDef, 'values' | 'aliases'> {
  /** The name a header maps to (the staging column). */
  field: string;
  /** enum: accepted value (lower-case) → stored value. */
  values?: Record<string, string>;
}

/** A catalogue entry as a CSV field (its name is the column's, unless given). */
const spec = (def: FieldDef, field = def.column): FieldSpec => {
  const { values, aliases, ...rest } = def;
  return {
    ...rest,
    field,
    ...(values ? { values: { ...Object.fromEntries(values.map((v) => [v, v])), ...aliases } } : {}),
  };
};

/** Products: the catalogue's fields, and `price` in currency units as another way to give price_cents. */
export const PRODUCT_FIELDS: FieldSpec[] = [
  ...(Object.keys(PRODUCT_FIELD_CATALOGUE) as (keyof typeof PRODUCT_FIELD_CATALOGUE)[]).map((name) =>
    spec(productField(name)),
  ),
  {
    field: 'price',
    column: 'price_cents',
    kind: 'money',
    label: 'Price',
    min: 0,
    max: 1_000_000,
    synonyms: ['unit_price', 'retail_price', 'msrp'],
  },
];

/** Customers: identity and health, from the customers lib's two catalogues. */
export const CUSTOMER_FIELDS: FieldSpec[] = [
  ...(Object.keys(CUSTOMER_FIELD_CATALOGUE) as CustomerField[]).map((name) => spec(customerField(name))),
  ...(Object.keys(HEALTH_FIELD_CATALOGUE) as HealthField[]).map((name) => spec(healthField(name))),
];

export const FIELDS: Record<IngestMode, FieldSpec[]> = {
  products: PRODUCT_FIELDS,
  customers: CUSTOMER_FIELDS,
};

/** Case, spaces, underscores, hyphens and dots do not matter in a header. */
export const normaliseHeader = (h: string): string => h.toLowerCase().replace(/[\s_\-.()]+/g, '');

export interface ColumnMapping {
  /** Header index → field, for the columns used, in header order. */
  used: { index: number; header: string; field: FieldSpec }[];
  /** Headers that map to nothing (ignored). */
  ignored: string[];
}

export class MappingError extends Error {}

/**
 * Maps headers to fields: the job's explicit mapping first (header → field, case-insensitive),
 * then the exact field name, then a synonym. Fails when a required field has no column, a field
 * has two, or the explicit mapping names a header the file does not have.
 */
export function mapHeaders(
  mode: IngestMode,
  headers: string[],
  explicit: Record<string, string> = {},
): ColumnMapping {
  const specs = FIELDS[mode];
  const byName = new Map<string, FieldSpec>();
  for (const s of specs) byName.set(normaliseHeader(s.field), s);
  const bySynonym = new Map<string, FieldSpec>();
  for (const s of specs) for (const syn of s.synonyms ?? []) bySynonym.set(normaliseHeader(syn), s);
  const explicitBy = new Map(Object.entries(explicit).map(([h, f]) => [normaliseHeader(h), f]));
  const normalised = headers.map(normaliseHeader);
  for (const [h] of explicitBy) {
    if (!normalised.includes(h)) {
      const original = Object.keys(explicit).find((k) => normaliseHeader(k) === h);
      throw new MappingError(`the mapping names a column "${original}" that the file does not have`);
    }
  }
  const used: ColumnMapping['used'] = [];
  const ignored: string[] = [];
  const taken = new Map<string, string>();
  headers.forEach((header, index) => {
    const key = normalised[index]!;
    const target = explicitBy.get(key);
    const spec =
      target !== undefined ? specs.find((s) => s.field === target) : (byName.get(key) ?? bySynonym.get(key));
    if (!spec) {
      ignored.push(header);
      return;
    }
    const other = taken.get(spec.column);
    if (other !== undefined) {
      throw new MappingError(`columns "${other}" and "${header}" both map to ${spec.column}`);
    }
    taken.set(spec.column, header);
    used.push({ index, header, field: spec });
  });
  const missing = specs.filter((s) => s.required && !taken.has(s.column)).map((s) => s.field);
  if (missing.length > 0) {
    throw new MappingError(
      `missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (found: ${headers.join(', ') || 'nothing'})`,
    );
  }
  return { used, ignored };
}
