import type { DataSource } from 'typeorm';
import { createDataSource } from '#libs/db';
import { ENTITIES } from '#libs/schema';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { schemaDrift } from '../support/schema-drift.js';

describe('entities against the migrated schema', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await createDataSource(testConfig(db.url), {
      applicationName: 'test',
      poolMax: 2,
      entities: ENTITIES,
    }).initialize();
  });

  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('registers an entity for every table', () => {
    expect(ds.entityMetadatas).toHaveLength(ENTITIES.length);
  });

  it('agree on every table and column: name, type, nullability, generated, identity, primary key, allowed values', async () => {
    expect(await schemaDrift(ds)).toEqual([]);
  });

  it('notices a later migration renaming a column, tightening a NOT NULL or an allowed value', async () => {
    const runner = ds.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query(`ALTER TABLE mail_outbox RENAME COLUMN subject TO title`);
      await runner.query(`ALTER TABLE products ALTER COLUMN brand SET NOT NULL`);
      await runner.query(`ALTER TABLE vendors DROP CONSTRAINT vendors_status_check`);
      await runner.query(`ALTER TABLE vendors ADD CHECK (status IN ('active', 'deleted'))`);
      const drift = await schemaDrift(Object.assign(Object.create(ds), { query: runner.query.bind(runner) }));
      expect(drift).toEqual(
        expect.arrayContaining([
          'mail_outbox.title: column missing from entity MailOutboxMessage',
          'mail_outbox.subject: entity MailOutboxMessage has a column the table has not',
          'products.brand: entity nullable, database the opposite',
          'vendors.status: entity allows [active, deleted, suspended], CHECK allows [active, deleted]',
        ]),
      );
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
