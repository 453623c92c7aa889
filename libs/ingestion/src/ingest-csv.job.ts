import { Job, type JobContext, type JobHandler } from '#libs/queue';
import { IngestPipeline } from './pipeline.service.js';

@Job('ingest.csv')
export class IngestCsvJob implements JobHandler<'ingest.csv'> {
  constructor(private readonly pipeline: IngestPipeline) {}

  handle(data: { jobId: string }, ctx: JobContext): Promise<void> {
    return this.pipeline.run(data.jobId, ctx.lastAttempt);
  }
}
