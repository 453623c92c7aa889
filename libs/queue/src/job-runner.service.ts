import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { Job as BossJob, JobResult } from 'pg-boss';
import { AppConfig } from '#libs/config';
import { counter, histogram } from '#libs/metrics';
import { JOB_DEFAULTS, JOB_REGISTRY, type JobName } from './job-registry.js';
import { JOB_HANDLER_METADATA, PermanentJobError, type JobHandler } from './job.decorator.js';
import { QueueService } from './queue.service.js';

const outcomes = counter('worker_jobs_total', 'Jobs finished by this worker, by queue and outcome', [
  'queue',
  'outcome',
]);
const durations = histogram(
  'worker_job_duration_seconds',
  'Job handler run time',
  ['queue'],
  [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
);

/**
 * Worker side of the queue: finds every `@Job` handler, subscribes it to its queue (filtered by
 * WORKER_QUEUES) and maps outcomes: success → completed, PermanentJobError → dead letter,
 * anything else → failed and retried with backoff.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobRunner.name);
  readonly served: JobName[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly queue: QueueService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const wanted = new Set(this.config.queue.workerQueues);
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const name = this.reflector.get<JobName | undefined>(JOB_HANDLER_METADATA, wrapper.metatype);
      if (!name || (wanted.size > 0 && !wanted.has(name))) continue;
      await this.serve(name, wrapper.instance as JobHandler<JobName>);
    }
    this.logger.log({ msg: 'worker serving queues', queues: this.served });
  }

  private async serve(name: JobName, handler: JobHandler<JobName>): Promise<void> {
    const def = { ...JOB_DEFAULTS, ...JOB_REGISTRY[name] };
    // One fetch takes up to `concurrency` jobs and runs them together; while fetches come back
    // full there is a backlog, so the next fetch follows at once (burst) instead of waiting for
    // the poll interval. NOTIFY wakes idle workers when a job is created.
    await this.queue.boss.work(
      name,
      {
        batchSize: def.concurrency,
        localConcurrency: 1,
        pollingIntervalSeconds: 2,
        notifyPollingIntervalSeconds: 5,
        burstWhenBatchFull: true,
        perJobResults: true,
      },
      async (jobs: BossJob<object>[]): Promise<JobResult[]> =>
        Promise.all(jobs.map((job) => this.run(name, handler, job, def.retryLimit))),
    );
    this.served.push(name);
  }

  private async run(
    name: JobName,
    handler: JobHandler<JobName>,
    job: BossJob<object>,
    retryLimit: number,
  ): Promise<JobResult> {
    const stop = durations.startTimer({ queue: name });
    try {
      await handler.handle(job.data as never, {
        id: job.id,
        name,
        retryCount: job.retryCount,
        lastAttempt: job.retryCount >= retryLimit,
      });
      outcomes.inc({ queue: name, outcome: 'completed' });
      return { id: job.id, status: 'completed' };
    } catch (err) {
      const permanent = err instanceof PermanentJobError;
      outcomes.inc({ queue: name, outcome: permanent ? 'dead_letter' : 'failed' });
      this.logger.warn({ msg: 'job failed', err, job: { id: job.id, name, retryCount: job.retryCount } });
      const output = { message: err instanceof Error ? err.message : String(err) };
      return { id: job.id, status: permanent ? 'deadletter' : 'failed', output };
    } finally {
      stop();
    }
  }
}
