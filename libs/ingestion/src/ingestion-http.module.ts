import { Module } from '@nestjs/common';
import { VendorsModule } from '#libs/vendors';
import { FeedsController } from './feeds.controller.js';
import { IngestJobsController } from './ingest-jobs.controller.js';
import { IngestionModule } from './ingestion.module.js';
import { TusUploadsService } from './tus-uploads.service.js';
import { UploadsController } from './uploads.controller.js';

@Module({
  imports: [IngestionModule, VendorsModule],
  controllers: [IngestJobsController, UploadsController, FeedsController],
  providers: [TusUploadsService],
})
export class IngestionHttpModule {}
