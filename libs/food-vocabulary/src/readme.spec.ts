import { readFileSync } from 'node:fs';
import { vocabularyMarkdown } from './markdown.js';

/** README's vocabulary tables are the vocabulary itself (regenerate with npm run docs:vocabulary). */
describe('README vocabulary tables', () => {
  it('equal the vocabulary', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('<!-- vocabulary:start');
    const end = readme.indexOf('<!-- vocabulary:end -->') + '<!-- vocabulary:end -->'.length;
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start, end)).toBe(vocabularyMarkdown());
  });
});
