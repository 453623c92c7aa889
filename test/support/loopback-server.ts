import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local stand-in for an external HTTP API: listens on 127.0.0.1, hands each request with its body. */
export abstract class LoopbackServer {
  private server!: http.Server;
  port = 0;

  protected abstract handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => this.handle(req, body, res));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections(); // a deliberately unanswered request must not hold the close
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
