import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A real HTTP receiver on loopback. Each path answers per a script (status codes in turn, a delay,
 * a redirect); every request is recorded.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<
    string,
    { statuses: number[]; delayMs?: number; headers?: Record<string, string> }
  >();
  private server!: http.Server;
  private waiters: (() => void)[] = [];

  script(
    path: string,
    statuses: number[],
    opts: { delayMs?: number; headers?: Record<string, string> } = {},
  ): void {
    this.scripts.set(path, { statuses: [...statuses], ...opts });
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        this.waiters.splice(0).forEach((w) => w());
        const s = this.scripts.get(path);
        const status = s?.statuses.length
          ? s.statuses.length > 1
            ? s.statuses.shift()!
            : s.statuses[0]!
          : 200;
        const reply = () => {
          if (res.destroyed) return;
          res.writeHead(status, { 'content-type': 'text/plain', ...(s?.headers ?? {}) });
          res.end(status === 302 ? '' : 'ok');
        };
        if (s?.delayMs) setTimeout(reply, s.delayMs);
        else reply();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Waits until `path` has received at least `n` requests. */
  async waitFor(path: string, n = 1, timeoutMs = 20_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.on(path).length < n) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${n} requests on ${path} (got ${this.on(path).length})`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
    return this.on(path);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** Verifies a delivery exactly as a receiver would: the `standardwebhooks` package and the X-Signature recomputed. */
export function verifyDelivery(r: Received, secret: string): unknown {
  const payload = new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  });
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${r.headers['x-timestamp']}\n${r.body}`).digest('hex');
  if (r.headers['x-signature'] !== `sha256=${expected}`) throw new Error('X-Signature does not match');
  if (r.headers['x-idempotency-key'] !== r.headers['webhook-id'])
    throw new Error('X-Idempotency-Key is not the webhook-id');
  return payload;
}
