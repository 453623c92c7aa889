import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '#libs/config';
import { BookkeepingPool } from './bookkeeping-pool.js';
import { APP_ROLE, enforceDbScope } from './tenant-scope.js';
import { createDataSource } from './data-source.js';

/** Provides the initialised TypeORM DataSource to the whole application. */
@Global()
@Module({})
export class DbModule implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(BookkeepingPool) private readonly bookkeeping: BookkeepingPool,
  ) {}

  /**
   * `applicationName` shows in pg_stat_activity (api, worker, …). `rowSecurity`: sessions run as
   * `nrp_app` and queries follow the request's vendor scope (the api; off with
   * DATABASE_ROW_SECURITY=false).
   */
  static forRoot(applicationName: string, opts: { rowSecurity?: boolean } = {}): DynamicModule {
    return {
      module: DbModule,
      providers: [
        {
          provide: DataSource,
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => {
            const rowSecurity = opts.rowSecurity === true && config.database.rowSecurity;
            const ds = createDataSource(config, {
              applicationName,
              ...(rowSecurity ? { sessionRole: APP_ROLE } : {}),
            });
            if (rowSecurity) enforceDbScope(ds);
            return ds.initialize();
          },
        },
        {
          provide: BookkeepingPool,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => new BookkeepingPool(config, applicationName),
        },
      ],
      exports: [DataSource, BookkeepingPool],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bookkeeping.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
