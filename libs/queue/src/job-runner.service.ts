import { Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { PinoLogger } from 'nestjs-pino';
import { pino } from 'pino';
import type { JobResult, JobWithMetadata } from 'pg-boss';
import { AppConfig } from '#libs/config';
import { withProcessSpan } from '#libs/tracing';
import { counter, histogram } from '#libs/metrics';
import { JOB_DEFAULTS, JOB_REGISTRY, type JobName } from './job-registry.js';
import { JOB_HANDLER_METADATA, PermanentJobError, type JobHandler } from './job.decorator.js';
import { QueueService, jobMetaOf } from './queue.service.js';
import { withRequestId } from './request-context.js';

const outcomes = counter(
  'worker_jobs_total',
  'Jobs finished by this worker, by queue and outcome: completed; retried (failed, will run again); failed (failed on its last attempt: dead-lettered); dead_letter (a permanent error: dead-lettered at once)',
  ['queue', 'outcome'],
);
const durations = histogram(
  'worker_job_duration_seconds',
  'Job handler run time, by queue',
  ['queue'],
  [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
);
const waits = histogram(
  'worker_job_wait_seconds',
  'Time a job waited for a worker: from when it could run (created, or its retry was due) to its start, by queue',
  ['queue'],
  [0.05, 0.25, 1, 2.5, 5, 15, 60, 300, 1800],
);

/** Outside an app with the logger module (a unit test of a handler): no lines. */
const silent = pino({ level: 'silent' });

type Outcome = 'completed' | 'retried' | 'failed' | 'dead_letter';

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
    @Optional() private readonly pino?: PinoLogger,
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
        includeMetadata: true,
      },
      async (jobs: JobWithMetadata<object>[]): Promise<JobResult[]> =>
        Promise.all(jobs.map((job) => this.run(name, handler, job, def.retryLimit))),
    );
    this.served.push(name);
  }

  /**
   * One attempt of one job, inside its context: the request id it was sent with (or `job:<id>`
   * for a cron's job) is the current request id — jobs it sends carry it on — and every log line
   * of the attempt carries it, with the queue and job id. One line per outcome.
   */
  private async run(
    name: JobName,
    handler: JobHandler<JobName>,
    job: JobWithMetadata<object>,
    retryLimit: number,
  ): Promise<JobResult> {
    const requestId = jobMetaOf(job.data).request_id ?? `job:${job.id}`;
    const bindings = { request_id: requestId, queue: name, job_id: job.id };
    const attempt = () =>
      withRequestId(requestId, () =>
        this.attempt(name, handler, job, retryLimit, this.pino?.logger ?? silent.child(bindings)),
      );
    // nestjs-pino's context for work outside a request: every line logged inside carries the bindings
    return this.pino ? this.pino.runInContext(attempt, { bindings }) : attempt();
  }

  private async attempt(
    name: JobName,
    handler: JobHandler<JobName>,
    job: JobWithMetadata<object>,
    retryLimit: number,
    log: PinoLogger['logger'],
  ): Promise<JobResult> {
    const started = Date.now();
    const waitedSeconds = Math.max(0, (started - new Date(job.startAfter).getTime()) / 1000);
    waits.observe({ queue: name }, waitedSeconds);
    const attempt = job.retryCount + 1;
    const lastAttempt = job.retryCount >= retryLimit;
    const finish = (outcome: Outcome, err?: unknown) => {
      const seconds = (Date.now() - started) / 1000;
      durations.observe({ queue: name }, seconds);
      outcomes.inc({ queue: name, outcome });
      const line = {
        msg: `job ${outcome}`,
        attempt,
        attempts_allowed: retryLimit + 1,
        duration_ms: Math.round(seconds * 1000),
        waited_ms: Math.round(waitedSeconds * 1000),
        outcome,
        ...(err ? { err } : {}),
      };
      if (outcome === 'completed') log.info(line);
      else if (outcome === 'retried') log.warn(line);
      else log.error(line);
    };
    try {
      await withProcessSpan(name, job.id, jobMetaOf(job.data).trace, () =>
        handler.handle(job.data as never, { id: job.id, name, retryCount: job.retryCount, lastAttempt }),
      );
      finish('completed');
      return { id: job.id, status: 'completed' };
    } catch (err) {
      const permanent = err instanceof PermanentJobError;
      finish(permanent ? 'dead_letter' : lastAttempt ? 'failed' : 'retried', err);
      const output = { message: err instanceof Error ? err.message : String(err) };
      return { id: job.id, status: permanent ? 'deadletter' : 'failed', output };
    }
  }
}
