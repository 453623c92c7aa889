import type { FastifyReply, FastifyRequest } from 'fastify';

export type SseItem = { id: string; type: string; data: unknown } | { type: 'heartbeat' };

/**
 * Writes an async sequence as Server-Sent Events (validate the request before calling: once this
 * starts, the status is 200) on the raw response: each event with its
 * durable `id` (so `Last-Event-ID` resumes), heartbeats as comments. Stops when the client goes.
 */
export async function sendSse(
  req: FastifyRequest,
  reply: FastifyReply,
  items: (signal: AbortSignal) => AsyncIterable<SseItem>,
  headers: Record<string, string> = {},
): Promise<void> {
  const controller = new AbortController();
  req.raw.on('close', () => controller.abort());
  const iterator = items(controller.signal)[Symbol.asyncIterator]();
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': String(req.id),
    ...headers,
  });
  reply.raw.write('retry: 3000\n\n');
  const write = (item: SseItem) => {
    if (item.type === 'heartbeat') reply.raw.write(': heartbeat\n\n');
    else {
      const e = item as { id: string; type: string; data: unknown };
      reply.raw.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
    }
  };
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done || controller.signal.aborted) break;
      write(next.value);
    }
  } finally {
    await iterator.return?.();
    reply.raw.end();
  }
}
