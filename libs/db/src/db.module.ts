import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '#libs/config';
import { BookkeepingPool } from './bookkeeping-pool.js';
import { createDataSource } from './data-source.js';

/** Provides the initialised TypeORM DataSource to the whole application. */
@Global()
@Module({})
export class DbModule implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(BookkeepingPool) private readonly bookkeeping: BookkeepingPool,
  ) {}

  /** `applicationName` shows in pg_stat_activity (api, worker, …). */
  static forRoot(applicationName: string): DynamicModule {
    return {
      module: DbModule,
      providers: [
        {
          provide: DataSource,
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => createDataSource(config, { applicationName }).initialize(),
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
