import type { QueuePolicy } from 'pg-boss';

/**
 * The one typed registry of background jobs: queue name → payload type, and each queue's options.
 * A queue is created at start-up for every entry (api and worker), with a dead-letter queue
 * `<name>.dead` unless `deadLetter` is false.
 */
export interface JobPayloads {
  /** Deliver one mail_outbox row (SMTP, or keep it in the outbox when no SMTP_URL). */
  'mail.send': { outboxId: string };
  /** Refund a second payment for an already paid session (if the request that found it did not). */
  'payments.refund-duplicate': { paymentId: string; providerPaymentId: string | null };
  /** Generate (a revision of) a paid report. */
  'report.generate': { reportId: string };
  /** Cron: soft-expire reports past expires_at. */
  'reports.expire': Record<string, never>;
  /** Cron: create access-log partitions ahead, drop those past retention. */
  'reports.maintain-partitions': Record<string, never>;
  /** Cron: clear bodies of mail kept in the outbox past MAIL_STORED_BODY_HOURS, delete rows past MAIL_RETENTION_DAYS. */
  'mail.purge': Record<string, never>;
  /** Cron: delete idempotency keys past their 24 h expiry. */
  'idempotency.purge': Record<string, never>;
  /** Cron: delete rate-limit windows that have ended. */
  'rate-limit.purge': Record<string, never>;
  /** Recompute derived limits of a vendor's customers holding a condition whose rule changed. */
  'customers.recompute-limits': { vendorId: string; conditionCode: string };
  /** One attempt of one webhook delivery (the next attempt is a new job, scheduled by the handler). */
  'webhook.deliver': { deliveryId: string };
  /** Cron: create the audit log's monthly partitions ahead. */
  'audit.maintain-partitions': Record<string, never>;
  /** Run one CSV ingest job (its upload is complete). One per vendor and mode runs at a time (advisory lock). */
  'ingest.csv': { jobId: string };
  /** Pull a vendor feed's CSV and ingest it (scheduled per feed on its cron, or "refresh"). */
  'ingest.feed': { feedId: string; jobId?: string };
  /** Cron: expire abandoned uploads, queue finished ones, delete files past retention. */
  'ingest.maintain': Record<string, never>;
  /** Fold one vendor's catalogue changes into its directory figures and analytics (at most one queued per vendor). */
  'insights.refresh-vendor': { vendorId: string };
  /** Count one vendor's catalogue again (after a first load; `check`: the daily check, drift logged). */
  'insights.rebuild-vendor': { vendorId: string; check?: boolean };
  /** Cron: rebuild every active vendor's figure counts from its catalogue, as a check of the folds. */
  'insights.check-figures': Record<string, never>;
  /** Rebuild the cross-vendor category benchmarks (at most one queued). */
  'insights.rebuild-benchmarks': Record<string, never>;
  /** Cron: refresh every active vendor's figures and the benchmarks. */
  'insights.refresh-all': Record<string, never>;
  /** Cron: erase unpaid sessions past their retention, and paid ones with their expired report. */
  'privacy.retention': Record<string, never>;
}

export type JobName = keyof JobPayloads;

export interface JobDefinition {
  /** Attempts after the first; the default is 5 with exponential backoff. */
  retryLimit?: number;
  /** First retry delay in seconds (doubled each time with backoff). */
  retryDelaySeconds?: number;
  retryDelayMaxSeconds?: number;
  retryBackoff?: boolean;
  /** How long one run may take before pg-boss considers the worker dead and retries it. */
  expireInSeconds?: number;
  /** Cron expression (UTC, minute precision) when this is a scheduled job. */
  cron?: string;
  /** Jobs of this queue one worker process runs at once. */
  concurrency?: number;
  policy?: QueuePolicy;
  deadLetter?: boolean;
  /** Long jobs: the worker heartbeats every QUEUE_HEARTBEAT_SECONDS / 2; silence means a dead worker. */
  heartbeat?: boolean;
}

export const JOB_DEFAULTS: Required<
  Pick<
    JobDefinition,
    | 'retryLimit'
    | 'retryDelaySeconds'
    | 'retryDelayMaxSeconds'
    | 'retryBackoff'
    | 'expireInSeconds'
    | 'concurrency'
  >
> = {
  retryLimit: 5,
  retryDelaySeconds: 5,
  retryDelayMaxSeconds: 3600,
  retryBackoff: true,
  expireInSeconds: 900,
  concurrency: 2,
};

export const JOB_REGISTRY: { readonly [N in JobName]: JobDefinition } = {
  'mail.send': { retryLimit: 8, retryDelaySeconds: 10, concurrency: 4 },
  'payments.refund-duplicate': {
    retryLimit: 10,
    retryDelaySeconds: 30,
    concurrency: 2,
    expireInSeconds: 300,
  },
  // heartbeat: a worker that dies mid-generation is noticed in seconds, not at the 10-minute expiry
  'report.generate': {
    retryLimit: 5,
    retryDelaySeconds: 5,
    concurrency: 4,
    expireInSeconds: 600,
    heartbeat: true,
  },
  'reports.expire': {
    cron: '*/15 * * * *',
    retryLimit: 2,
    policy: 'singleton',
    deadLetter: false,
    concurrency: 1,
  },
  'reports.maintain-partitions': {
    cron: '7 3 * * *',
    retryLimit: 3,
    policy: 'singleton',
    deadLetter: false,
    concurrency: 1,
  },
  'mail.purge': {
    cron: '23 * * * *',
    retryLimit: 2,
    policy: 'singleton',
    deadLetter: false,
    concurrency: 1,
  },
  'idempotency.purge': {
    cron: '17 * * * *',
    retryLimit: 2,
    policy: 'singleton',
    deadLetter: false,
    concurrency: 1,
  },
  'customers.recompute-limits': {
    retryLimit: 5,
    retryDelaySeconds: 5,
    concurrency: 2,
    expireInSeconds: 1800,
  },
  'webhook.deliver': { retryLimit: 3, retryDelaySeconds: 5, concurrency: 32, expireInSeconds: 120 },
  'audit.maintain-partitions': {
    cron: '11 2 * * *',
    retryLimit: 3,
    policy: 'singleton',
    deadLetter: false,
    concurrency: 1,
  },
  'ingest.csv': {
    retryLimit: 3,
    retryDelaySeconds: 10,
    concurrency: 2,
    expireInSeconds: 6 * 3600,
    heartbeat: true,
  },
  'ingest.feed': {
    retryLimit: 3,
    retryDelaySeconds: 60,
    concurrency: 2,
    expireInSeconds: 3600,
    heartbeat: true,
  },
  'ingest.maintain': {
    cron: '*/5 * * * *',
    retryLimit: 2,
    policy: 'singleton',
    deadLetter: false,
    concurrency: 1,
  },
  // stately: one queued and one running per vendor, so a burst of triggers collapses into one refresh
  'insights.refresh-vendor': {
    retryLimit: 3,
    retryDelaySeconds: 30,
    policy: 'stately',
    concurrency: 1,
    expireInSeconds: 3600,
  },
  'insights.rebuild-vendor': {
    retryLimit: 3,
    retryDelaySeconds: 30,
    policy: 'stately',
    concurrency: 1,
    expireInSeconds: 3600,
  },
  'insights.check-figures': {
    cron: '17 3 * * *',
    retryLimit: 2,
    policy: 'singleton',
    deadLetter: false,
    concurrency: 1,
  },
  'insights.rebuild-benchmarks': {
    retryLimit: 3,
    retryDelaySeconds: 30,
    policy: 'stately',
    concurrency: 1,
    expireInSeconds: 3600,
  },
  'insights.refresh-all': {
    cron: '41 * * * *',
    retryLimit: 2,
    policy: 'singleton',
    deadLetter: false,
    concurrency: 1,
  },
  'privacy.retention': {
    cron: '29 * * * *',
    retryLimit: 2,
    policy: 'singleton',
    deadLetter: false,
    concurrency: 1,
    expireInSeconds: 3600,
  },
  'rate-limit.purge': {
    cron: '*/10 * * * *',
    retryLimit: 2,
    policy: 'singleton',
    deadLetter: false,
    concurrency: 1,
  },
};

export const JOB_NAMES = Object.keys(JOB_REGISTRY) as JobName[];

export function deadLetterQueueName(name: JobName): string {
  return `${name}.dead`;
}
