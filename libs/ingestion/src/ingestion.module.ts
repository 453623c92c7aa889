import { Module } from '@nestjs/common';
import { AuditModule } from '#libs/audit';
import { AppConfig } from '#libs/config';
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
import { UPLOAD_STORE } from './tokens.js';
import { createUploadStore } from './upload-store.js';

/** CSV ingestion: jobs, the upload store, the COPY → validate → merge pipeline and its jobs. */
@Module({
  imports: [AuditModule, VaultModule, WebhooksModule],
  providers: [
    { provide: UPLOAD_STORE, useFactory: createUploadStore, inject: [AppConfig] },
    IngestJobsRepository,
    IngestService,
    IngestPipeline,
    IngestCsvJob,
    IngestMaintainJob,
    FeedsRepository,
    FeedsService,
    IngestFeedJob,
  ],
  exports: [IngestService, FeedsService, UPLOAD_STORE],
})
export class IngestionModule {}
