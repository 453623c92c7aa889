import http from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
}

/** A minimal EventSource-style reader over a real socket: collects events until the stream ends. */
export function readSse(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; events: SseEvent[]; comments: number }> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    let comments = 0;
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let idx;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const raw = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const e: Partial<SseEvent> & { dataText?: string } = {};
          for (const line of raw.split('\n')) {
            if (line.startsWith(':')) comments++;
            else if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) e.dataText = (e.dataText ?? '') + line.slice(6);
          }
          if (e.event)
            events.push({ id: e.id, event: e.event, data: e.dataText ? JSON.parse(e.dataText) : null });
        }
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, events, comments });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`SSE stream did not end within ${timeoutMs} ms (${events.length} events)`));
    }, timeoutMs);
    req.on('error', reject);
  });
}
