import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request (or job) the current work is for, carried through the async call chain: the api
 * enters it per request, the worker per job (with the id the job was sent with). What it is for:
 * a job sent from here carries the id in its data (queue.service.ts), so the job's log lines —
 * and those of the mail and webhook deliveries it causes — name the request that began it all.
 */
const context = new AsyncLocalStorage<{ requestId: string }>();

export function withRequestId<T>(requestId: string, fn: () => T): T {
  return context.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}
