import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { getMetadataArgsStorage } from 'typeorm';
import { ENTITY_OWNERS } from './index.js';
import { PUBLISHED } from './published.js';

const LIBS = path.resolve(new URL('.', import.meta.url).pathname, '../..');

/** Every table, with the lib that owns it (where its entity is declared). */
const OWNER = new Map<string, string>(
  ENTITY_OWNERS.map(([entity, lib]) => {
    const table = getMetadataArgsStorage().tables.find((t) => t.target === entity)?.name;
    return [table!, lib];
  }),
);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [p] : [];
  });
}

/** Table names a piece of SQL text touches (after FROM, JOIN, INTO, UPDATE, TABLE, ONLY, …). */
const TOUCH =
  /\b(?:from|join|into|update|table|only|truncate|lock table)\s+(?:only\s+)?([a-z_][a-z0-9_]*)\b/gi;

/** What each lib's SQL names: (lib, table, file) for every table another lib owns. */
export function crossings(): { lib: string; table: string; file: string }[] {
  const out: { lib: string; table: string; file: string }[] = [];
  for (const lib of readdirSync(LIBS)) {
    if (lib === 'schema') continue;
    const dir = path.join(LIBS, lib, 'src');
    for (const file of sources(dir)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(TOUCH)) {
        const table = m[1]!.toLowerCase();
        const owner = OWNER.get(table);
        if (!owner || owner === lib) continue;
        out.push({ lib, table, file: path.relative(LIBS, file) });
      }
    }
  }
  return out;
}

/**
 * A lib's SQL names only its own tables; another lib's data is reached through the owner's service,
 * a view the owner publishes (PUBLISHED: `catalogue_products`, …), or a bulk target the owner
 * provides (the SQL lives in the owner's source).
 */
describe('every table has one owner', () => {
  it('knows the owner of every table', () => {
    expect(OWNER.size).toBe(ENTITY_OWNERS.length);
    expect([...OWNER.keys()].every(Boolean)).toBe(true);
  });

  it("no lib's SQL names another lib's table", () => {
    expect(crossings()).toEqual([]);
  });

  it('every published view belongs to a lib that owns tables', () => {
    for (const [view, owner] of Object.entries(PUBLISHED)) {
      expect([view, [...OWNER.values()].includes(owner)]).toEqual([view, true]);
      expect([view, OWNER.has(view)]).toEqual([view, false]);
    }
  });
});
