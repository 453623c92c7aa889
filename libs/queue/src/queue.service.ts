import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { PgBoss, type Db, type QueueResult, type SendOptions } from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '#libs/config';
import { traceCarrier, withSendSpan } from '#libs/tracing';
import { BossDatabase } from './boss-database.js';
import { currentRequestId } from './request-context.js';
import {
  JOB_DEFAULTS,
  JOB_NAMES,
  JOB_REGISTRY,
  deadLetterQueueName,
  type JobName,
  type JobPayloads,
} from './job-registry.js';

export const QUEUE_ROLE = 'QUEUE_ROLE';
/** `producer` (api) only sends; `worker` also supervises, runs crons and handlers. */
export type QueueRole = 'producer' | 'worker';

export interface EnqueueOptions {
  /** Join the caller's transaction: the job exists if and only if the transaction commits. */
  manager?: EntityManager;
  startAfter?: Date | number;
  /** Overrides the queue's expiry: a job running longer is presumed dead and retried. */
  expireInSeconds?: number;
  singletonKey?: string;
  /** A deterministic job id makes a repeated enqueue of the same work a no-op. */
  id?: string;
  priority?: number;
}

/**
 * Where a job's data carries what is not the job's own payload: the request id that caused it
 * (request-context.ts), so the worker logs the job — and whatever the job sends on — under it.
 */
export const JOB_META_KEY = '_meta';
export interface JobMeta {
  request_id?: string;
  /** W3C trace context of the sending span (`traceparent`), when tracing is on. */
  trace?: Record<string, string>;
}

function withJobMeta(data: object): object {
  const meta: JobMeta = {};
  const requestId = currentRequestId();
  if (requestId) meta.request_id = requestId;
  const trace = traceCarrier();
  if (Object.keys(trace).length > 0) meta.trace = trace;
  return Object.keys(meta).length > 0 ? { ...data, [JOB_META_KEY]: meta } : data;
}

/** The metadata a job was sent with (none for a cron's job). */
export function jobMetaOf(data: unknown): JobMeta {
  const meta = (data as Record<string, unknown> | null)?.[JOB_META_KEY];
  return meta && typeof meta === 'object' ? (meta as JobMeta) : {};
}

/** pg-boss executor that runs on a TypeORM transaction's connection. */
export function transactionExecutor(manager: EntityManager): Db {
  const runner = manager.queryRunner;
  if (!runner || !runner.isTransactionActive) {
    throw new Error('enqueue with a manager needs an active transaction (use dataSource.transaction)');
  }
  return {
    executeSql: async (text, values) => ({
      rows: (await runner.query(text, values as unknown[], true)).records,
    }),
  };
}

@Injectable()
export class QueueService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(QueueService.name);
  private bossInstance: PgBoss | null = null;
  private db: BossDatabase | null = null;

  constructor(
    private readonly config: AppConfig,
    @Inject(QUEUE_ROLE) private readonly role: QueueRole,
  ) {}

  get boss(): PgBoss {
    if (!this.bossInstance) throw new Error('queue not started');
    return this.bossInstance;
  }

  async onModuleInit(): Promise<void> {
    const worker = this.role === 'worker';
    const db = new BossDatabase({
      connectionString: this.config.database.url,
      applicationName: `nutrition-${this.role}-queue`,
      max: this.config.queue.poolMax,
    });
    this.db = db;
    const boss = new PgBoss({
      db,
      schema: this.config.queue.schema,
      // The schema is installed by `npm run migrate`, never by a racing process start.
      migrate: false,
      createSchema: false,
      supervise: worker,
      superviseIntervalSeconds: this.config.queue.superviseIntervalSeconds,
      // Job expiry runs in the monitor pass: on the same clock, so a dead worker's job is retried promptly.
      monitorIntervalSeconds: this.config.queue.superviseIntervalSeconds,
      schedule: worker,
      useListenNotify: worker,
    });
    boss.on('error', (err: Error) => this.logger.error({ msg: 'queue error', err }));
    boss.on('warning', (w: unknown) => this.logger.warn({ msg: 'queue warning', warning: w }));
    await boss.start();
    this.bossInstance = boss;
    await this.createQueues();
    if (worker) await this.scheduleCrons();
  }

  private async createQueues(): Promise<void> {
    for (const name of JOB_NAMES) {
      const def = { ...JOB_DEFAULTS, ...JOB_REGISTRY[name] };
      const dead = def.deadLetter === false ? undefined : deadLetterQueueName(name);
      if (dead)
        await this.boss.createQueue(dead, { retentionSeconds: 30 * 86_400, deleteAfterSeconds: 30 * 86_400 });
      await this.boss.createQueue(name, {
        policy: def.policy ?? 'standard',
        retryLimit: def.retryLimit,
        retryDelay: def.retryDelaySeconds,
        retryBackoff: def.retryBackoff,
        retryDelayMax: def.retryDelayMaxSeconds,
        expireInSeconds: def.expireInSeconds,
        notify: true,
        ...(def.heartbeat ? { heartbeatSeconds: this.config.queue.heartbeatSeconds } : {}),
        ...(dead ? { deadLetter: dead } : {}),
      });
    }
  }

  private async scheduleCrons(): Promise<void> {
    for (const name of JOB_NAMES) {
      const cron = JOB_REGISTRY[name].cron;
      if (cron) await this.boss.schedule(name, cron, {}, { tz: 'UTC' });
    }
  }

  /**
   * A recurring job of one entity (a vendor feed): its own cron, keyed by the entity so each has
   * its own schedule. Validates the cron expression (pg-boss throws on a bad one).
   */
  async schedule<N extends JobName>(name: N, cron: string, data: JobPayloads[N], key: string): Promise<void> {
    await this.boss.schedule(name, cron, data as object, { tz: 'UTC', key });
  }

  async unschedule(name: JobName, key: string): Promise<void> {
    await this.boss.unschedule(name, key);
  }

  /** Enqueues a job; with `manager` it commits or rolls back with the caller's transaction. */
  async send<N extends JobName>(
    name: N,
    data: JobPayloads[N],
    options: EnqueueOptions = {},
  ): Promise<string | null> {
    const sendOptions: SendOptions = {};
    if (options.manager) sendOptions.db = transactionExecutor(options.manager);
    if (options.startAfter !== undefined) sendOptions.startAfter = options.startAfter;
    if (options.singletonKey) sendOptions.singletonKey = options.singletonKey;
    if (options.id) sendOptions.id = options.id;
    if (options.priority !== undefined) sendOptions.priority = options.priority;
    if (options.expireInSeconds !== undefined) sendOptions.expireInSeconds = options.expireInSeconds;
    return withSendSpan(name, () => this.boss.send(name, withJobMeta(data as object), sendOptions));
  }

  /** Depth and outcome counts of every registered queue (and its dead-letter queue). */
  async stats(): Promise<QueueResult[]> {
    return this.boss.getQueues();
  }

  /** Per queue, the age in seconds of its oldest job that could run now (created or retry, due). */
  async oldestReadyAges(): Promise<Map<string, number>> {
    if (!this.db) throw new Error('queue not started');
    const schema = `"${this.config.queue.schema.replace(/"/g, '""')}"`;
    const { rows } = await this.db.executeSql(
      `SELECT name, extract(epoch FROM now() - min(start_after))::float8 AS age
         FROM ${schema}.job
        WHERE state IN ('created', 'retry') AND start_after <= now()
        GROUP BY name`,
    );
    return new Map((rows as { name: string; age: number }[]).map((r) => [r.name, Math.max(0, r.age)]));
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.bossInstance) return;
    const boss = this.bossInstance;
    this.bossInstance = null;
    // graceful: wait for handlers in flight (up to the timeout); an unfinished job is retried
    // by another worker once it expires.
    await boss.stop({ graceful: true, close: true, timeout: this.config.queue.shutdownTimeoutMs });
    // the pool is ours (the `db` adapter): closed once pg-boss has stopped using it
    await this.db?.close();
    this.db = null;
  }
}
