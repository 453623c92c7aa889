import pg from 'pg';
import { PgLocker } from '../../libs/ingestion/src/pg-locker.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { waitFor } from '../support/wait.js';

/**
 * The TUS locker two api processes share (two PgLocker instances = two processes): one holder per
 * upload, the holder asked to let go when another wants the upload, and the lock freed by
 * PostgreSQL when the holding process dies.
 */
describe('PgLocker (integration)', () => {
  let db: TestDatabase;
  let a: PgLocker;
  let b: PgLocker;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = new PgLocker({ connectionString: db.url, applicationName: 'locker-a', acquireTimeoutMs: 3000 });
    b = new PgLocker({ connectionString: db.url, applicationName: 'locker-b', acquireTimeoutMs: 3000 });
  });

  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await db.drop();
  });

  it('lets one process at a time hold an upload, and asks the holder to release it', async () => {
    const first = a.newLock('upload-1');
    let released = 0;
    // the holder's request ends when asked (as @tus/server aborts its PATCH), then unlocks
    await first.lock(new AbortController().signal, async () => {
      released++;
      await first.unlock();
    });
    const order: string[] = [];
    const second = b.newLock('upload-1');
    await second.lock(new AbortController().signal, () => undefined).then(() => order.push('b locked'));
    expect(released).toBe(1);
    expect(order).toEqual(['b locked']);
    // another upload is independent
    const other = a.newLock('upload-2');
    await other.lock(new AbortController().signal, () => undefined);
    await Promise.all([second.unlock(), other.unlock()]);
  });

  it('times out (TUS answers 500 and the client retries) when the holder does not let go', async () => {
    const stubborn = a.newLock('upload-3');
    await stubborn.lock(new AbortController().signal, () => undefined);
    const started = Date.now();
    const quick = new PgLocker({
      connectionString: db.url,
      applicationName: 'locker-c',
      acquireTimeoutMs: 300,
    });
    await expect(
      quick.newLock('upload-3').lock(new AbortController().signal, () => undefined),
    ).rejects.toMatchObject({ status_code: 500 });
    expect(Date.now() - started).toBeLessThan(3000);
    await quick.close();
    await stubborn.unlock();
  });

  it('is freed by PostgreSQL when the holding process dies (its connection closes)', async () => {
    const dying = new PgLocker({ connectionString: db.url, applicationName: 'locker-dying' });
    let askedToStop = false;
    const held = dying.newLock('upload-4');
    await held.lock(new AbortController().signal, () => {
      askedToStop = true;
    });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    // what a SIGKILL does to the process's sessions
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'locker-dying%'`,
    );
    await admin.end();
    const next = b.newLock('upload-4');
    await next.lock(new AbortController().signal, () => undefined);
    await next.unlock();
    // a holder that is still alive but lost its connection is told to stop writing
    await waitFor(async () => (askedToStop ? true : undefined));
    await held.unlock();
    await dying.close();
  });
});
