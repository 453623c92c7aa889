import type { DataSource } from 'typeorm';
import type { AppConfig } from '#libs/config';
import { createDataSource } from './data-source.js';

/**
 * Connections as the schema owner, for the one kind of work that changes the schema at run time:
 * the ingestion pipeline, which builds a vendor's catalogue partition, indexes it and swaps it in
 * (CREATE / ATTACH / DETACH / DROP, VACUUM need ownership). Everything else in the worker runs as
 * `nrp_platform`. Opened on first use, so a process that never ingests holds no such connection.
 */
export class SchemaOwnerDb {
  private opening?: Promise<DataSource>;

  constructor(
    private readonly config: AppConfig,
    private readonly applicationName: string,
    private readonly entities: readonly (new () => object)[] = [],
  ) {}

  dataSource(): Promise<DataSource> {
    this.opening ??= createDataSource(this.config, {
      applicationName: `${this.applicationName}-schema`,
      poolLabel: 'schema-owner',
      statementTimeoutMs: 0,
      entities: this.entities,
    }).initialize();
    return this.opening;
  }

  async close(): Promise<void> {
    if (!this.opening) return;
    const ds = await this.opening.catch(() => undefined);
    if (ds?.isInitialized) await ds.destroy();
  }
}
