import { readFileSync } from 'node:fs';

/** Every variable the configuration reads is documented in the README's configuration table. */
describe('README configuration table', () => {
  it('documents every environment variable read by loadConfig', () => {
    const source = readFileSync(new URL('./config.ts', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const names = new Set(
      [...source.matchAll(/\b(?:r\.\w+(?:<[^>(]*>)?|raw)\('([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!),
    );
    expect(names.size).toBeGreaterThan(30);
    const missing = [...names].filter((n) => !readme.includes(`| \`${n}\` |`));
    expect(missing).toEqual([]);
  });
});
