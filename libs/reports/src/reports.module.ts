import { Module } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { CalculatorModule } from '#libs/calculator';
import { MailModule } from '#libs/mail';
import { AnthropicGenerator } from './generation/anthropic-generator.js';
import { LlmLogRepository } from './generation/llm-log.repository.js';
import { AdminReportsController } from './admin-reports.controller.js';
import { ReportAccessRepository } from './access/report-access.repository.js';
import { ReportAccessService } from './access/report-access.service.js';
import { ReportLinkResender } from './access/report-link-resender.js';
import { ReportEventsHub } from './access/report-events.hub.js';
import { ComposerGenerator } from './generation/composer-generator.js';
import { GenerateReportJob } from './generation/generate-report.job.js';
import { ReportGenerationService } from './generation/report-generation.service.js';
import { ReportGenerator } from './generation/report-generator.js';
import { ExpireReportsJob, MaintainReportPartitionsJob } from './maintenance/report-maintenance.jobs.js';
import { ReportMaintenanceRepository } from './maintenance/report-maintenance.repository.js';
import { ReportGenerationRepository } from './report-generation.repository.js';
import { ReportPageController, ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

/** Reports' life (ReportsService, driven by payments), generation (worker) and access (api). */
@Module({
  imports: [MailModule, CalculatorModule],
  providers: [
    ReportsRepository,
    ReportsService,
    ReportGenerationRepository,
    ReportAccessRepository,
    ReportMaintenanceRepository,
    LlmLogRepository,
    {
      provide: ReportGenerator,
      inject: [AppConfig, LlmLogRepository],
      useFactory: (config: AppConfig, log: LlmLogRepository): ReportGenerator =>
        config.anthropic.apiKey ? new AnthropicGenerator(config, log) : new ComposerGenerator(),
    },
    ReportGenerationService,
    ReportAccessService,
    ReportLinkResender,
    ReportEventsHub,
    GenerateReportJob,
    ExpireReportsJob,
    MaintainReportPartitionsJob,
  ],
  // ReportsService for other modules; the other two for this lib's ReportsHttpModule
  exports: [ReportsService, ReportAccessService, ReportLinkResender, ReportMaintenanceRepository],
})
export class ReportsModule {}

@Module({
  imports: [ReportsModule],
  controllers: [ReportsController, ReportPageController, AdminReportsController],
})
export class ReportsHttpModule {}
