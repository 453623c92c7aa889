import { DynamicModule, Module } from '@nestjs/common';
import { CommonModule, loggerModule } from '#libs/common';
import { AppConfig, ConfigModule } from '#libs/config';
import { DbModule } from '#libs/db';
import { ENTITIES } from '#libs/schema';
import { AuditModule } from '#libs/audit';
import { CustomersModule } from '#libs/customers';
import { WebhooksModule } from '#libs/webhooks';
import { IngestionModule } from '#libs/ingestion';
import { InsightsModule } from '#libs/insights';
import { MailModule } from '#libs/mail';
import { PaymentsModule } from '#libs/payments';
import { ReportsModule } from '#libs/reports';
import { QueueModule } from '#libs/queue';
import { PrivacyModule } from '#libs/privacy';
import type { ModuleMetadata } from '@nestjs/common';

/** The background process: the same feature modules as the api, no controllers, job handlers run. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, extra: ModuleMetadata['imports'] = []): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        loggerModule(config, 'worker'),
        DbModule.forRoot('worker', { sessions: 'platform', entities: ENTITIES }),
        QueueModule.forRoot('worker'),
        CommonModule,
        MailModule,
        ReportsModule,
        PaymentsModule,
        AuditModule,
        CustomersModule,
        WebhooksModule,
        IngestionModule,
        PrivacyModule,
        InsightsModule,
        ...extra,
      ],
    };
  }
}
