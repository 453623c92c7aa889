import type { TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { QueueService } from '#libs/queue';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { serviceContext } from '../support/contexts.js';

describe('queue: enqueue inside a database transaction', () => {
  let db: TestDatabase;
  let ctx: TestingModule;
  let queue: QueueService;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await serviceContext(testConfig(db.url));
    queue = ctx.get(QueueService);
    ds = ctx.get(DataSource);
    await ds.query(`CREATE TABLE orders (id int PRIMARY KEY)`);
  });

  afterAll(async () => {
    await ctx.close();
    await db.drop();
  });

  /** Counted on another connection (the owner's), as another process would see it. */
  async function jobsWithOrder(id: number): Promise<number> {
    const rows: { n: string }[] = await (
      await db.owner()
    ).query(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'idempotency.purge' AND data->>'order' = $1`, [
      String(id),
    ]);
    return Number(rows[0]!.n);
  }

  it('a rolled-back transaction leaves neither the row nor the job', async () => {
    await expect(
      ds.transaction(async (manager) => {
        await manager.query(`INSERT INTO orders VALUES (1)`);
        await queue.send('idempotency.purge', { order: 1 } as never, { manager });
        throw new Error('boom after enqueue');
      }),
    ).rejects.toThrow('boom after enqueue');
    expect(await ds.query(`SELECT * FROM orders WHERE id = 1`)).toHaveLength(0);
    expect(await jobsWithOrder(1)).toBe(0);
  });

  it('a committed transaction makes the row and the job visible together', async () => {
    let seenOutside = -1;
    await ds.transaction(async (manager) => {
      await manager.query(`INSERT INTO orders VALUES (2)`);
      await queue.send('idempotency.purge', { order: 2 } as never, { manager });
      seenOutside = await jobsWithOrder(2); // another connection: not committed yet
    });
    expect(seenOutside).toBe(0);
    expect(await ds.query(`SELECT * FROM orders WHERE id = 2`)).toHaveLength(1);
    expect(await jobsWithOrder(2)).toBe(1);
  });

  it('refuses a manager without an active transaction', async () => {
    await expect(queue.send('idempotency.purge', {}, { manager: ds.manager })).rejects.toThrow(
      /active transaction/,
    );
  });

  it('creates every registered queue with its dead-letter queue', async () => {
    const names = (await queue.stats()).map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['idempotency.purge', 'rate-limit.purge']));
  });
});
