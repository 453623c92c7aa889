import { readFileSync } from 'node:fs';
import { createTestDatabase } from '../support/database.js';
it('prints', async () => {
  const db = await createTestDatabase();
  const o = await db.owner();
  const rows = await o.query(readFileSync('/tmp/cat.sql', 'utf8'));
  for (const r of rows) console.log(`${r.scoped ? 'V' : 'G'} ${r.relname}\n   ${r.cons}\n   U: ${r.uniq}`);
  await db.drop();
});
