import type { TestingModule } from '@nestjs/testing';
// the repository itself (not exported by the lib): two processes counting against one table
import { RateLimitRepository } from '../../libs/common/src/rate-limit/rate-limit.repository.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { serviceContext } from '../support/contexts.js';

describe('rate limiter (Postgres counters)', () => {
  let db: TestDatabase;
  let processA: TestingModule;
  let processB: TestingModule;

  beforeAll(async () => {
    db = await createTestDatabase();
    [processA, processB] = await Promise.all([
      serviceContext(testConfig(db.url)),
      serviceContext(testConfig(db.url)),
    ]);
  });

  afterAll(async () => {
    await Promise.all([processA.close(), processB.close()]);
    await db.drop();
  });

  it('counts exactly under concurrent hits from two processes', async () => {
    const a = processA.get(RateLimitRepository);
    const b = processB.get(RateLimitRepository);
    const hits = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? a : b).hit([{ bucket: 'bucket-1', windowSeconds: 3600 }]).then(([h]) => h!),
      ),
    );
    const counts = hits.map((h) => h.hits).sort((x, y) => x - y);
    expect(counts).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const limit = 10;
    expect(counts.filter((n) => n <= limit)).toHaveLength(limit);
  });

  it('starts a new window after the old one ends and reports when', async () => {
    const repo = processA.get(RateLimitRepository);
    const [first] = (await repo.hit([{ bucket: 'bucket-2', windowSeconds: 1 }])) as [
      { hits: number; resetAt: Date },
    ];
    expect(first.resetAt.getTime()).toBeGreaterThan(Date.now() - 5);
    await new Promise((r) => setTimeout(r, Math.max(0, first.resetAt.getTime() - Date.now()) + 20));
    expect((await repo.hit([{ bucket: 'bucket-2', windowSeconds: 1 }]))[0]!.hits).toBe(1);
    expect(await repo.purgeEnded()).toBeGreaterThanOrEqual(1);
  });
});
