import { Job, type JobContext, type JobHandler } from '#libs/queue';
import { FeedsService } from './feeds.service.js';

@Job('ingest.feed')
export class IngestFeedJob implements JobHandler<'ingest.feed'> {
  constructor(private readonly feeds: FeedsService) {}

  /** A scheduled run has no job id yet: the queue job's id becomes it (stable across retries). */
  handle(data: { feedId: string; jobId?: string }, ctx: JobContext): Promise<void> {
    return this.feeds.run(data.feedId, data.jobId ?? ctx.id, ctx.lastAttempt);
  }
}
