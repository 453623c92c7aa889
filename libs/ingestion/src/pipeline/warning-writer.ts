import { insertWarningsSql } from '../sql.js';
import type { KeptWarning } from '../csv/csv-to-copy.js';
import type { Conn, IngestConnections } from './ingest-connections.js';

/**
 * Writes a file's kept warnings into ingest_errors while the file is still being read, on a
 * connection of its own (the copy is bound by Node's parsing; PostgreSQL has a core to spare), in
 * the order they come. `close` waits for the writes under way and gives the connection back;
 * `finish` also fails if a write did.
 */
export class WarningWriter {
  private conn: Promise<Conn> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    private readonly connections: IngestConnections,
    private readonly jobId: string,
  ) {}

  write(warnings: KeptWarning[]): void {
    if (warnings.length === 0 || this.failure !== null) return;
    this.conn ??= this.connections.connect();
    const conn = this.conn;
    const json = JSON.stringify(warnings);
    this.chain = this.chain
      .then(async () => {
        await (await conn).client.query(insertWarningsSql(this.jobId), [json]);
      })
      .catch((err: unknown) => {
        this.failure ??= err;
      });
  }

  async finish(): Promise<void> {
    await this.close();
    if (this.failure !== null) throw this.failure;
  }

  async close(): Promise<void> {
    await this.chain;
    const conn = this.conn;
    this.conn = null;
    if (conn)
      await conn.then(
        (c) => this.connections.release(c),
        () => undefined,
      );
  }
}
