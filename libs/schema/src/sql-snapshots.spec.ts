import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sqlSnapshots } from './sql-snapshots.js';

const QUERIES = path.resolve(new URL('.', import.meta.url).pathname, '../../../queries');

/**
 * The hot statements as checked in (queries/*.sql) are what the code sends now. When a query
 * changes on purpose, `npm run sql:snapshots` rewrites the files and the change shows in review.
 */
describe('SQL snapshots', () => {
  it('match what the code sends (npm run sql:snapshots rewrites them)', async () => {
    const current = await sqlSnapshots();
    const files = Object.fromEntries(
      readdirSync(QUERIES)
        .filter((f) => f.endsWith('.sql'))
        .map((f) => [f.slice(0, -4), readFileSync(path.join(QUERIES, f), 'utf8')]),
    );
    expect(Object.keys(files).sort()).toEqual(Object.keys(current).sort());
    for (const [name, text] of Object.entries(current)) expect([name, text]).toEqual([name, files[name]]);
  });

  it('captures every marked method, each with at least one statement', async () => {
    const current = await sqlSnapshots();
    expect(Object.keys(current).length).toBeGreaterThanOrEqual(12);
    for (const [name, text] of Object.entries(current))
      expect([name, text.includes(';')]).toEqual([name, true]);
  });
});
