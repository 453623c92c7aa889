import { readFileSync, writeFileSync } from 'node:fs';
import { vocabularyMarkdown } from '#libs/food-vocabulary';

/** Rewrites README.md's vocabulary tables from libs/food-vocabulary (npm run docs:vocabulary). */
const path = new URL('../../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = readme.indexOf('<!-- vocabulary:start');
const endMarker = '<!-- vocabulary:end -->';
const end = readme.indexOf(endMarker);
if (start < 0 || end < 0) throw new Error('README.md has no vocabulary markers');
writeFileSync(path, readme.slice(0, start) + vocabularyMarkdown() + readme.slice(end + endMarker.length));
console.log('README.md: vocabulary tables rewritten');
