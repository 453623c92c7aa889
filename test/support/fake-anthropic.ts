import http from 'node:http';
import { LoopbackServer } from './loopback-server.js';

export interface FakeCall {
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    max_tokens: number;
    stream?: boolean;
    system?: string;
    messages: { content: string }[];
  };
  /** Section keys the prompt asked for. */
  sections: string[];
}

export type Behaviour =
  | { kind: 'text'; write: (key: string, call: number) => string }
  | { kind: 'error'; status: number; type: string }
  /** Never answers (a call in flight when its worker is killed). */
  | { kind: 'hang' }
  /** Answers as the fallback once `until` resolves (a call in flight across a database restart). */
  | { kind: 'held'; until: Promise<unknown> };

/**
 * A local Messages API: answers POST /v1/messages as JSON or, for `stream: true`, as SSE with the
 * real event sequence (message_start … message_stop). Behaviours are queued per call.
 */
export class FakeAnthropic extends LoopbackServer {
  readonly calls: FakeCall[] = [];
  readonly queue: Behaviour[] = [];
  fallback: Behaviour = {
    kind: 'text',
    write: (key) => `Model text for ${key}. ${'Steady, specific advice. '.repeat(4)}`,
  };
  protected handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const auth = req.headers['x-api-key'] ?? req.headers.authorization;
    if (req.method !== 'POST' || req.url !== '/v1/messages' || !auth) {
      res.writeHead(req.url === '/v1/messages' ? 401 : 404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'missing key' } }),
      );
      return;
    }
    const body = JSON.parse(raw) as FakeCall['body'];
    const prompt = body.messages.map((m) => m.content).join('\n');
    const sections = [...prompt.matchAll(/^## ([a-z0-9_]+) — /gm)].map((m) => m[1]!);
    this.calls.push({ headers: req.headers, body, sections });
    const next = this.queue.shift() ?? this.fallback;
    if (next.kind === 'held') {
      const call = this.calls.length;
      void next.until.then(() => this.answer(body, prompt, sections, this.fallback, call, res));
      return;
    }
    this.answer(body, prompt, sections, next, this.calls.length, res);
  }

  private answer(
    body: FakeCall['body'],
    prompt: string,
    sections: string[],
    behaviour: Behaviour,
    call: number,
    res: http.ServerResponse,
  ): void {
    const requestId = `req_fake_${call}`;
    if (behaviour.kind === 'hang' || behaviour.kind === 'held') return;
    if (behaviour.kind === 'error') {
      res.writeHead(behaviour.status, {
        'content-type': 'application/json',
        'request-id': requestId,
        'retry-after': '0',
      });
      res.end(
        JSON.stringify({
          type: 'error',
          error: { type: behaviour.type, message: `${behaviour.type} (fake)` },
        }),
      );
      return;
    }
    const text = sections.map((key) => `## ${key}\n\n${behaviour.write(key, call)}`).join('\n\n');
    const usage = { input_tokens: Math.ceil(prompt.length / 4), output_tokens: Math.ceil(text.length / 4) };
    const message = {
      id: `msg_fake_${call}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      stop_reason: 'end_turn',
      stop_sequence: null,
    };
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
      res.end(JSON.stringify({ ...message, content: [{ type: 'text', text }], usage }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': requestId });
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('message_start', {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
      },
    });
    send('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    for (let i = 0; i < text.length; i += 200) {
      send('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: text.slice(i, i + 200) },
      });
    }
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    });
    send('message_stop', { type: 'message_stop' });
    res.end();
  }
}
