import { writeFileSync } from 'node:fs';
import { createApiApp } from '../../apps/api/src/api.app.js';
import { createTestDatabase, testConfig } from '../support/database.js';
it('dumps', async () => {
  const db = await createTestDatabase();
  const app = await createApiApp(testConfig(db.url));
  writeFileSync('/tmp/oa/openapi.json', (await app.inject({ url: '/docs-json' })).body);
  await app.close();
  await db.drop();
});
