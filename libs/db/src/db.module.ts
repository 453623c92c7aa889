import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '#libs/config';
import { BookkeepingPool } from './bookkeeping-pool.js';
import { ReplicaReader } from './replica-reader.js';
import { SchemaOwnerDb } from './schema-owner-db.js';
import { APP_ROLE, PLATFORM_ROLE } from './tenant-scope.js';
import { createDataSource } from './data-source.js';

/** Provides the initialised TypeORM DataSource to the whole application. */
@Global()
@Module({})
export class DbModule implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(BookkeepingPool) private readonly bookkeeping: BookkeepingPool,
    @Inject(SchemaOwnerDb) private readonly schemaOwner: SchemaOwnerDb,
  ) {}

  /**
   * `applicationName` shows in pg_stat_activity (api, worker, …). `sessions` (both off with
   * DATABASE_ROW_SECURITY=false, when everything runs as the login role):
   * - `scoped`: sessions run as `nrp_app` and queries follow the request's vendor scope (the api);
   * - `platform`: sessions run as `nrp_platform`, every vendor's rows, no DDL (the worker).
   */
  static forRoot(
    applicationName: string,
    opts: { sessions?: 'scoped' | 'platform'; entities?: readonly (new () => object)[] } = {},
  ): DynamicModule {
    return {
      module: DbModule,
      providers: [
        {
          provide: DataSource,
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => {
            const sessions = config.database.rowSecurity ? opts.sessions : undefined;
            const sessionRole = { scoped: APP_ROLE, platform: PLATFORM_ROLE, none: undefined }[
              sessions ?? 'none'
            ];
            return createDataSource(config, {
              applicationName,
              poolLabel: 'main',
              scoped: sessions === 'scoped',
              entities: opts.entities ?? [],
              ...(sessionRole ? { sessionRole } : {}),
            }).initialize();
          },
        },
        {
          provide: BookkeepingPool,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => new BookkeepingPool(config, applicationName),
        },
        {
          provide: SchemaOwnerDb,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => new SchemaOwnerDb(config, applicationName, opts.entities),
        },
        ReplicaReader,
      ],
      exports: [DataSource, BookkeepingPool, SchemaOwnerDb, ReplicaReader],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bookkeeping.close();
    await this.schemaOwner.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
