import 'reflect-metadata';
import { configFor, migrateAll, resolveDatabase, revertLast } from './database.js';

/** `npm run migrate` (up) and `npm run migrate:revert` (down one). */
async function main(): Promise<void> {
  const direction = process.argv[2] ?? 'up';
  if (direction !== 'up' && direction !== 'down') throw new Error('usage: migrate.js up|down');
  const db = await resolveDatabase((line) => console.log(line));
  try {
    const config = configFor(db.url);
    if (direction === 'up') {
      const applied = await migrateAll(config);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    } else {
      const reverted = await revertLast(config);
      console.log(reverted ? `reverted: ${reverted}` : 'nothing to revert');
    }
  } finally {
    await db.embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
