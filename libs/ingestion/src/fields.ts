import {
  AMBIGUOUS_HEADERS,
  NUTRIENTS,
  PRODUCT_FIELD_CATALOGUE,
  UNIT_ALTERNATIVES,
  productField,
  type UnitAlternative,
} from '#libs/catalogue';
import type { FieldDef } from '#libs/common';
import {
  CUSTOMER_FIELD_CATALOGUE,
  HEALTH_FIELD_CATALOGUE,
  customerField,
  healthField,
  type CustomerField,
  type HealthField,
} from '#libs/customers';
import { INGEST_MODES } from './ingestion.entities.js';

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
  /** The value is in another unit than the column's: stored × scale (energy in kJ → kcal). */
  scale?: number;
  /** Used only when no column gives the field's own unit (a file with kcal and kJ uses kcal). */
  fallback?: boolean;
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
  // other units of stored nutrients (product-units.ts): converted, and only when the stored unit is absent
  ...(Object.keys(UNIT_ALTERNATIVES) as UnitAlternative[]).map((name): FieldSpec => ({
    field: name,
    column: UNIT_ALTERNATIVES[name].column,
    kind: 'real',
    label: UNIT_ALTERNATIVES[name].label,
    min: 0,
    max: UNIT_ALTERNATIVES[name].max,
    scale: UNIT_ALTERNATIVES[name].scale,
    fallback: true,
    synonyms: [...UNIT_ALTERNATIVES[name].synonyms],
  })),
];

/** Columns holding a nutrient (a header may say they are per 100 g). */
export const NUTRIENT_COLUMNS: ReadonlySet<string> = new Set(NUTRIENTS);

/** Customers: identity and health, from the customers lib's two catalogues. */
export const CUSTOMER_FIELDS: FieldSpec[] = [
  ...(Object.keys(CUSTOMER_FIELD_CATALOGUE) as CustomerField[]).map((name) => spec(customerField(name))),
  ...(Object.keys(HEALTH_FIELD_CATALOGUE) as HealthField[]).map((name) => spec(healthField(name))),
];

export const FIELDS: Record<IngestMode, FieldSpec[]> = {
  products: PRODUCT_FIELDS,
  customers: CUSTOMER_FIELDS,
};

/** Headers that name a field of the mode without its unit ("Energy"): an error, never a guess. */
const AMBIGUOUS: Record<IngestMode, Partial<typeof AMBIGUOUS_HEADERS>> = {
  products: AMBIGUOUS_HEADERS,
  customers: {},
};

/** Case, spaces, underscores, hyphens, dots, commas, slashes and brackets do not matter in a header. */
export const normaliseHeader = (h: string): string => h.toLowerCase().replace(/[\s_\-.,/()[\]]+/g, '');

/** A header's "per 100 g" ("Energy (kJ/100 g)", "Protein per 100g", "(per 100 g)"), and the rest of it. */
const PER_100G = /\s*[([]?\s*(?:\/|\bper\b)\s*100\s*g\s*[)\]]?\s*$/i;

export type NutrientBasis = 'per_serving' | 'per_100g';

export interface ColumnMapping {
  /** Header index → field, for the columns used, in header order. */
  used: { index: number; header: string; field: FieldSpec }[];
  /** Headers that map to nothing (ignored). */
  ignored: string[];
  /**
   * What the file's nutrients are per, when the file or the job says (headers marked "per 100 g",
   * or the job's nutrient_basis); a `nutrient_basis` column, when mapped, decides per line.
   */
  basis: NutrientBasis | null;
}

export class MappingError extends Error {}

/**
 * Maps headers to fields: the job's explicit mapping first (header → field, case-insensitive),
 * then the exact field name, then a synonym. A header marked "per 100 g" maps by the rest of its
 * name and makes the file's basis per 100 g. Fails when a required field has no column, a field has
 * two (a unit alternative gives way to the field's own unit instead), a header is ambiguous ("Energy"
 * without kJ or kcal: never guessed), the explicit mapping names a header the file does not have, or
 * the headers' basis disagrees with the job's.
 */
export function mapHeaders(
  mode: IngestMode,
  headers: string[],
  explicit: Record<string, string> = {},
  jobBasis: NutrientBasis | null = null,
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
  const found: ColumnMapping['used'] = [];
  const ignored: string[] = [];
  let per100gHeaders = 0;
  headers.forEach((header, index) => {
    const key = normalised[index]!;
    const target = explicitBy.get(key);
    if (target !== undefined) {
      found.push({ index, header, field: specs.find((s) => s.field === target)! });
      return;
    }
    const bare = PER_100G.test(header) ? normaliseHeader(header.replace(PER_100G, '')) : null;
    const lookup = (k: string) => byName.get(k) ?? bySynonym.get(k);
    const direct = lookup(key);
    const viaBasis = bare !== null && !direct ? lookup(bare) : undefined;
    const spec = direct ?? (viaBasis && NUTRIENT_COLUMNS.has(viaBasis.column) ? viaBasis : undefined);
    if (!spec) {
      const ambiguous = AMBIGUOUS[mode][key] ?? (bare ? AMBIGUOUS[mode][bare] : undefined);
      if (ambiguous) {
        throw new MappingError(
          `the column "${header}" does not say its unit: give the mapping, e.g. ${ambiguous.fields
            .map((f) => JSON.stringify({ [header]: f }))
            .join(' or ')}`,
        );
      }
      ignored.push(header);
      return;
    }
    if (spec === viaBasis) per100gHeaders++;
    found.push({ index, header, field: spec });
  });
  // a unit alternative gives way to a column in the field's own unit (kcal beside kJ, sodium beside salt)
  const own = new Set(found.filter((u) => !u.field.fallback).map((u) => u.field.column));
  const used: ColumnMapping['used'] = [];
  const taken = new Map<string, string>();
  for (const u of found) {
    if (u.field.fallback && own.has(u.field.column)) {
      ignored.push(u.header);
      continue;
    }
    const other = taken.get(u.field.column);
    if (other !== undefined) {
      throw new MappingError(`columns "${other}" and "${u.header}" both map to ${u.field.column}`);
    }
    taken.set(u.field.column, u.header);
    used.push(u);
  }
  const missing = specs.filter((s) => s.required && !taken.has(s.column)).map((s) => s.field);
  if (missing.length > 0) {
    throw new MappingError(
      `missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (found: ${headers.join(', ') || 'nothing'})`,
    );
  }
  const headerBasis: NutrientBasis | null = per100gHeaders > 0 ? 'per_100g' : null;
  if (headerBasis && jobBasis === 'per_serving') {
    throw new MappingError(
      'the job says the nutrients are per serving, but the headers say per 100 g: drop one of the two',
    );
  }
  return { used, ignored, basis: jobBasis ?? headerBasis };
}
