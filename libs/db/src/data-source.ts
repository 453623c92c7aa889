import pg from 'pg';
import { DataSource, DataSourceOptions, type EntityManager, type QueryRunner } from 'typeorm';
import type { AppConfig } from '#libs/config';
import { MIGRATIONS } from '../../../migrations/index.js';
import { MarkedEntityManager, driverFor } from './pg-driver.js';
import { scopedConnections } from './tenant-scope.js';

// A `date` is a calendar day, not an instant: read it as its 'YYYY-MM-DD' text, never as a JS Date
// at some time zone's midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (text: string) => text);

export interface DataSourceRole {
  /** Name shown in pg_stat_activity. */
  applicationName: string;
  /** Migrations and bulk jobs run without the request statement timeout. */
  statementTimeoutMs?: number;
  poolMax?: number;
  /**
   * The role sessions run as (`nrp_app` for the api: row-level security applies, see
   * tenant-scope.ts); the login role when absent (the worker, migrations, scripts).
   */
  sessionRole?: string;
  /** Bring every connection to the request's vendor or platform scope (the api; tenant-scope.ts). */
  scoped?: boolean;
  /** Which pool this is in the pool gauges (default: the application name). */
  poolLabel?: string;
  /**
   * The entities TypeORM should know (the processes pass every lib's: libs/schema). Migrations and
   * raw SQL need none.
   */
  entities?: readonly (new () => object)[];
}

/**
 * A DataSource whose root transactions are marked for the connection guard (pg-driver.ts). Code
 * uses it as TypeORM's DataSource; nothing else differs.
 */
export class AppDataSource extends DataSource {
  override createEntityManager(queryRunner?: QueryRunner): EntityManager {
    return queryRunner ? super.createEntityManager(queryRunner) : new MarkedEntityManager(this);
  }
}

/**
 * One TypeORM DataSource for the api, the worker and the migration command. Every table has an
 * entity in the lib that owns it (assembled in libs/schema); plain tables are read through TypeORM repositories, hot and partitioned
 * paths with SQL typed by the entities (./typed-sql.ts). `synchronize` is always off: the schema
 * comes from hand-written migrations, and a test compares it with the entities.
 * `plan_cache_mode=force_custom_plan` keeps partition pruning at plan time (generic plans over
 * thousands of partitions cost ~100 ms each); statements that name their vendor as a literal may
 * keep their plans instead (planned-statements.ts).
 */
export function createDataSource(config: AppConfig, role: DataSourceRole): DataSource {
  const timeout = role.statementTimeoutMs ?? config.database.statementTimeoutMs;
  const driver = driverFor({
    guard: config.database.nestedAcquireGuard,
    label: role.poolLabel ?? role.applicationName,
    ...(role.scoped ? scopedConnections : {}),
  });
  const extra = {
    max: role.poolMax ?? config.database.poolMax,
    connectionTimeoutMillis: config.database.acquireTimeoutMs,
    options: `-c plan_cache_mode=force_custom_plan -c statement_timeout=${timeout}${role.sessionRole ? ` -c role=${role.sessionRole}` : ''}`,
    application_name: role.applicationName,
  };
  const connection =
    config.database.replicaUrls.length > 0
      ? {
          replication: {
            master: { url: config.database.url },
            slaves: config.database.replicaUrls.map((url) => ({ url })),
          },
        }
      : { url: config.database.url };
  const options: DataSourceOptions = {
    type: 'postgres',
    driver,
    ...connection,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    entities: [...(role.entities ?? [])],
    logging: false,
    extra,
  };
  return new AppDataSource(options);
}
