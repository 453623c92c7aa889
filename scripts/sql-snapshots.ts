import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sqlSnapshots } from '../libs/schema/src/sql-snapshots.js';

/** Rewrites queries/*.sql from what the code sends now (libs/db generate-sql.ts). */
const dir = path.resolve(process.cwd(), 'queries');
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) if (f.endsWith('.sql')) rmSync(path.join(dir, f));
const snapshots = await sqlSnapshots();
for (const [name, text] of Object.entries(snapshots)) writeFileSync(path.join(dir, `${name}.sql`), text);
console.log(`${Object.keys(snapshots).length} snapshots written to queries/`);
