import net from 'node:net';
import * as tus from 'tus-js-client';

/** Uploads a buffer with tus-js-client (the real protocol client) to a job's upload_url. */
export function tusUpload(
  endpoint: string,
  body: Buffer,
  token: string,
  opts: { chunkSize?: number; retryDelays?: number[] } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(body, {
      endpoint,
      headers: { authorization: `Bearer ${token}` },
      chunkSize: opts.chunkSize ?? Infinity,
      retryDelays: opts.retryDelays ?? [0, 100, 300, 1000],
      metadata: { filename: 'data.csv' },
      onError: reject,
      onSuccess: () => resolve(upload.url!),
    });
    upload.start();
  });
}

/**
 * A TCP proxy in front of the api that cuts its first connection after `cutAfter` request bytes
 * (a dropped connection mid-upload); later connections pass. Counts the bytes it forwarded.
 */
export class CuttingProxy {
  forwarded = 0;
  cuts = 0;
  private server!: net.Server;
  private connections = 0;
  constructor(
    private readonly target: { host: string; port: number },
    private readonly cutAfter: number,
  ) {}

  async start(): Promise<number> {
    this.server = net.createServer((client) => {
      const cutThis = this.connections++ === 0;
      let sent = 0;
      const upstream = net.connect(this.target.port, this.target.host);
      client.on('data', (chunk: Buffer) => {
        sent += chunk.length;
        if (cutThis && sent > this.cutAfter) {
          const keep = chunk.subarray(0, Math.max(0, chunk.length - (sent - this.cutAfter)));
          this.forwarded += keep.length;
          upstream.write(keep, () => {
            this.cuts++;
            client.destroy();
            upstream.destroy();
          });
          return;
        }
        this.forwarded += chunk.length;
        upstream.write(chunk);
      });
      upstream.on('data', (c: Buffer) => client.write(c));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as net.AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
