import type { QueryRunner } from 'typeorm';
import { getMetadataArgsStorage } from 'typeorm';
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
import { Customer, CustomerHealth } from '#libs/customers';
import { Product } from '#libs/catalogue';
import { MIGRATIONS } from './index.js';

/**
 * The field catalogues (what the API and CSV files accept) against the entities (what the tables
 * hold) and the migrations' CHECK constraints (what the database enforces): no database needed —
 * the migrations run against a runner that records their SQL.
 */

const catalogues: {
  entity: { name: string; prototype: object };
  table: string;
  fields: FieldDef[];
  notWritten: string[];
}[] = [
  {
    entity: Product,
    table: 'products',
    fields: Object.keys(PRODUCT_FIELD_CATALOGUE).map((k) =>
      productField(k as keyof typeof PRODUCT_FIELD_CATALOGUE),
    ),
    notWritten: ['vendor_id', 'id', 'created_at', 'updated_at', 'search_tsv', 'title_tsv', 'source_digest'],
  },
  {
    entity: Customer,
    table: 'customers',
    fields: Object.keys(CUSTOMER_FIELD_CATALOGUE).map((k) => customerField(k as CustomerField)),
    notWritten: ['vendor_id', 'id', 'created_at', 'updated_at'],
  },
  {
    entity: CustomerHealth,
    table: 'customer_health',
    fields: Object.keys(HEALTH_FIELD_CATALOGUE).map((k) => healthField(k as HealthField)),
    // derived on every write, never written by a caller
    notWritten: [
      'vendor_id',
      'customer_id',
      'bmr',
      'tdee_cached',
      'derived_limits',
      'derived_at',
      'updated_at',
    ],
  },
];

/** The column type each kind is stored as. */
const STORED_AS: Record<FieldDef['kind'], string[]> = {
  external_id: ['text'],
  short_text: ['text'],
  long_text: ['text'],
  code: ['text'],
  codes: ['text[]'],
  int: ['integer', 'smallint'],
  money: ['integer'],
  real: ['real'],
  bool: ['boolean'],
  currency: ['text'],
  gtin: ['text'],
  email: ['text'],
  date: ['date'],
  enum: ['text'],
};

/** The entity's columns, those it inherits included (the products' nutrient columns). */
function entityColumns(target: { name: string; prototype: object }) {
  return getMetadataArgsStorage().columns.filter(
    (c) => c.target === target || (typeof c.target === 'function' && target.prototype instanceof c.target),
  );
}

describe.each(catalogues)('the $table field catalogue', ({ entity, fields, notWritten }) => {
  const columns = entityColumns(entity);

  it('names every writable column of the entity once, and nothing else', () => {
    const written = columns.map((c) => c.propertyName).filter((c) => !notWritten.includes(c));
    expect(fields.map((f) => f.column).sort()).toEqual(written.sort());
  });

  it.each(fields.map((f) => [f.column, f] as const))(
    '%s: kind, nullability and values match the entity',
    (_, f) => {
      const col = columns.find((c) => c.propertyName === f.column)!;
      const type = `${String(col.options.type)}${col.options.array ? '[]' : ''}`;
      expect(STORED_AS[f.kind]).toContain(type);
      // optional without a default ⇔ the column takes NULL
      expect(Boolean(col.options.nullable)).toBe(!f.required && f.default === undefined);
      if (f.kind === 'enum')
        expect([...(col.options.enum as string[])].sort()).toEqual([...f.values!].sort());
      else expect(col.options.enum).toBeUndefined();
    },
  );
});

/** Every CHECK the migrations leave on each table, by column, from their recorded SQL. */
async function checksByTable(): Promise<Map<string, Map<string, string[]>>> {
  const statements: string[] = [];
  const recorder = {
    query: async (sql: string) => {
      statements.push(sql);
      return [];
    },
  } as unknown as QueryRunner;
  for (const M of MIGRATIONS) await new M().up(recorder);
  const tables = new Map<string, Map<string, string[]>>();
  const add = (table: string, column: string, expr: string) => {
    const byColumn = tables.get(table) ?? new Map<string, string[]>();
    tables.set(table, byColumn.set(column, [...(byColumn.get(column) ?? []), expr]));
  };
  for (const sql of statements.map((s) => s.replace(/\s+/g, ' ').trim())) {
    const created = /^CREATE TABLE (\w+) \((.*)\)( PARTITION BY .*)?$/i.exec(sql);
    if (created) {
      tables.set(created[1]!, new Map());
      for (const def of splitTopLevel(created[2]!)) {
        const m = /^(\w+) .*?CHECK \((.*)\)$/i.exec(def);
        if (m && !/^(CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK)$/i.test(m[1]!)) add(created[1]!, m[1]!, m[2]!);
      }
      continue;
    }
    const dropTable = /^DROP TABLE (?:IF EXISTS )?(\w+)/i.exec(sql);
    if (dropTable) tables.delete(dropTable[1]!);
    const addColumn = /^ALTER TABLE (\w+) ADD COLUMN (\w+) .*?CHECK \((.*)\)$/i.exec(sql);
    if (addColumn) add(addColumn[1]!, addColumn[2]!, addColumn[3]!);
    const altered = /^ALTER TABLE (\w+) /i.exec(sql)?.[1];
    for (const drop of altered ? sql.matchAll(/DROP COLUMN (?:IF EXISTS )?(\w+)/gi) : [])
      tables.get(altered!)?.delete(drop[1]!);
  }
  return tables;
}

/** Splits a CREATE TABLE body at its top-level commas. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of body) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  return [...parts, current.trim()];
}

/**
 * Whether a CHECK accepts everything the catalogue accepts (so a value the API or a CSV let
 * through never fails on the database): the catalogue's bounds are the same or narrower.
 */
function admits(f: FieldDef, check: string): boolean {
  const c = f.column;
  const num = (s: string) => Number(s);
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^${c} >= (-?[\\d.]+)$`).exec(check)))
    return f.min !== undefined && f.min >= num(m[1]!);
  if ((m = new RegExp(`^${c} > (-?[\\d.]+)$`).exec(check))) return f.min !== undefined && f.min > num(m[1]!);
  if ((m = new RegExp(`^${c} BETWEEN (-?[\\d.]+) AND (-?[\\d.]+)$`).exec(check)))
    return f.min !== undefined && f.max !== undefined && f.min >= num(m[1]!) && f.max <= num(m[2]!);
  if ((m = new RegExp(`^length\\(${c}\\) BETWEEN (\\d+) AND (\\d+)$`).exec(check)))
    return f.kind === 'external_id' && num(m[1]!) <= 1 && num(m[2]!) >= 200;
  if ((m = new RegExp(`^${c} IN \\((.*)\\)$`).exec(check))) {
    const allowed = [...m[1]!.matchAll(/'([^']*)'/g)].map((v) => v[1]!);
    return (f.values ?? []).every((v) => allowed.includes(v)) && f.values!.length > 0;
  }
  if ((m = new RegExp(`^${c} ~ '(.*)'$`).exec(check))) {
    const pattern = { currency: '^[A-Z]{3}$', gtin: '^[0-9]{8,14}$' }[f.kind as 'currency' | 'gtin'];
    return pattern === m[1];
  }
  throw new Error(`a CHECK this test does not understand: ${check}`);
}

describe('the field catalogues against the migrations’ CHECK constraints', () => {
  let checks: Map<string, Map<string, string[]>>;

  beforeAll(async () => {
    checks = await checksByTable();
  });

  it('finds the CHECKs the migrations put on the catalogued tables', () => {
    expect(checks.get('products')?.get('serving_size_g')).toEqual(['serving_size_g > 0']);
    expect(checks.get('customer_health')?.get('height_cm')).toEqual(['height_cm BETWEEN 40 AND 260']);
    // as many checked columns as the migrated database has (pg_constraint)
    expect([...checks.get('products')!.keys()]).toHaveLength(15);
    expect([...checks.get('customers')!.keys()]).toEqual(['external_id']);
    expect([...checks.get('customer_health')!.keys()].sort()).toEqual(
      ['activity_level', 'age', 'height_cm', 'sex', 'weight_kg'].sort(),
    );
  });

  it.each(
    catalogues.flatMap(({ table, fields }) => fields.map((f) => [`${table}.${f.column}`, table, f] as const)),
  )('%s: every CHECK admits all the catalogue accepts', (_, table, f) => {
    for (const check of checks.get(table)?.get(f.column) ?? [])
      expect([check, admits(f, check)]).toEqual([check, true]);
  });

  it('would notice a catalogue wider than its CHECK', () => {
    const wide = { ...healthField('height_cm'), max: 300 };
    expect(admits(wide, 'height_cm BETWEEN 40 AND 260')).toBe(false);
    expect(admits({ ...productField('serving_size_g'), min: 0 }, 'serving_size_g > 0')).toBe(false);
    expect(
      admits({ ...healthField('sex'), values: ['male', 'x'] }, "sex IN ('male', 'female', 'other')"),
    ).toBe(false);
  });
});
