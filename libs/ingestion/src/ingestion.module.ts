import { Module } from '@nestjs/common';
import { AuditModule } from '#libs/audit';
import { CatalogueModule } from '#libs/catalogue';
import { AppConfig } from '#libs/config';
import { CustomersModule } from '#libs/customers';
import { VaultModule } from '#libs/vault';
import { WebhooksModule } from '#libs/webhooks';
import { FeedsRepository } from './feeds.repository.js';
import { FeedsService } from './feeds.service.js';
import { IngestCsvJob } from './ingest-csv.job.js';
import { IngestFeedJob } from './ingest-feed.job.js';
import { IngestJobsRepository } from './ingest-jobs.repository.js';
import { IngestMaintainJob } from './ingest-maintain.job.js';
import { IngestService } from './ingest.service.js';
import { IngestPipeline } from './pipeline.service.js';
import { BulkTargets } from './pipeline/bulk-targets.js';
import { CopyPhase } from './pipeline/copy-phase.js';
import { FirstLoadPhase } from './pipeline/first-load-phase.js';
import { IngestConnections } from './pipeline/ingest-connections.js';
import { IngestJobLifecycle } from './pipeline/job-lifecycle.js';
import { MergePhase } from './pipeline/merge-phase.js';
import { ValidatePhase } from './pipeline/validate-phase.js';
import { UPLOAD_STORE } from './tokens.js';
import { createUploadStore } from './upload-store.js';

/** CSV ingestion: jobs, the upload store, the COPY → validate → merge pipeline and its jobs. */
@Module({
  imports: [AuditModule, CatalogueModule, CustomersModule, VaultModule, WebhooksModule],
  providers: [
    { provide: UPLOAD_STORE, useFactory: createUploadStore, inject: [AppConfig] },
    IngestJobsRepository,
    IngestService,
    IngestPipeline,
    IngestConnections,
    IngestJobLifecycle,
    BulkTargets,
    CopyPhase,
    ValidatePhase,
    MergePhase,
    FirstLoadPhase,
    IngestCsvJob,
    IngestMaintainJob,
    FeedsRepository,
    FeedsService,
    IngestFeedJob,
  ],
  exports: [IngestService, FeedsService, UPLOAD_STORE],
})
export class IngestionModule {}
