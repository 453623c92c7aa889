import { readFileSync } from 'node:fs';
import { JOB_NAMES, JOB_REGISTRY } from './job-registry.js';

/** README's job table (under **Queue.**): every registered queue, once, crons described as crons. */
describe('README job table', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('| job | kind | what it does |');
  const rows = readme
    .slice(start)
    .split('\n')
    .slice(2)
    .filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith('|')))
    .map((l) => l.split('|').map((c) => c.trim()));
  const table = new Map(rows.map((cells) => [cells[1]!.replace(/`/g, ''), cells[2]!]));

  it('lists every registered queue and nothing else', () => {
    expect(start).toBeGreaterThan(0);
    expect([...table.keys()].sort()).toEqual([...JOB_NAMES].sort());
    expect(rows).toHaveLength(JOB_NAMES.length);
  });

  it('calls a job a cron exactly when it is scheduled', () => {
    for (const name of JOB_NAMES) {
      const cron = (JOB_REGISTRY[name] as { cron?: string }).cron !== undefined;
      expect([name, table.get(name)!.startsWith('cron')]).toEqual([name, cron]);
    }
  });
});
