import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CalculatorHttpModule } from '#libs/calculator';
import { CatalogueHttpModule } from '#libs/catalogue';
import { CustomersHttpModule } from '#libs/customers';
import {
  AuthFailureGuard,
  CommonModule,
  ErrorFilter,
  IdempotencyInterceptor,
  DbScopeInterceptor,
  NoBodyInterceptor,
  RateLimitGuard,
  loggerModule,
} from '#libs/common';
import { AppConfig, ConfigModule } from '#libs/config';
import { DbModule } from '#libs/db';
import { ENTITIES } from '#libs/schema';
import { PaymentsHttpModule } from '#libs/payments';
import { ReportsHttpModule } from '#libs/reports';
import { VendorsHttpModule } from '#libs/vendors';
import { WebhooksHttpModule } from '#libs/webhooks';
import { IngestionHttpModule } from '#libs/ingestion';
import { InsightsHttpModule } from '#libs/insights';
import { QueueModule } from '#libs/queue';
import { WebModule } from '#libs/web';
import { PrivacyHttpModule } from '#libs/privacy';
import { HealthController } from './observability/health.controller.js';
import { HealthService } from './observability/health.service.js';
import { MetricsController } from './observability/metrics.controller.js';
import { MetricsGuard } from './observability/metrics.guard.js';
import { MetricsService } from './observability/metrics.service.js';

/** The HTTP process: every feature module, its controllers, and the global request pipeline. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, extra: ModuleMetadata['imports'] = []): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        loggerModule(config, 'api'),
        DbModule.forRoot('api', { sessions: 'scoped', entities: ENTITIES }),
        QueueModule.forRoot('producer'),
        CommonModule,
        CalculatorHttpModule,
        PaymentsHttpModule.forRoot(config),
        ReportsHttpModule,
        VendorsHttpModule,
        CatalogueHttpModule,
        CustomersHttpModule,
        WebhooksHttpModule,
        IngestionHttpModule,
        InsightsHttpModule,
        PrivacyHttpModule,
        WebModule.forRoot(config),
        ...extra,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        HealthService,
        MetricsService,
        MetricsGuard,
        { provide: APP_FILTER, useClass: ErrorFilter },
        // first: a blocked address or key is refused before anything else runs
        { provide: APP_GUARD, useExisting: AuthFailureGuard },
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        // first: everything after it runs in the request's database scope (row-level security)
        { provide: APP_INTERCEPTOR, useClass: DbScopeInterceptor },
        { provide: APP_INTERCEPTOR, useClass: NoBodyInterceptor },
        { provide: APP_INTERCEPTOR, useExisting: IdempotencyInterceptor },
      ],
    };
  }
}
