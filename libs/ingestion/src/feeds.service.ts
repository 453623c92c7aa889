import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService, type Actor } from '#libs/audit';
import {
  DownloadError,
  NotFound,
  Unprocessable,
  ValidationFailed,
  guardedDownload,
  urlProblem,
  type VendorId,
} from '#libs/common';
import { AppConfig } from '#libs/config';
import { QueueService } from '#libs/queue';
import { VaultService } from '#libs/vault';

import type { IngestMode } from './fields.js';
import { FeedsRepository, type FeedRow } from './feeds.repository.js';
import { IngestJobsRepository, type IngestJobRow } from './ingest-jobs.repository.js';
import { IngestService } from './ingest.service.js';
import { UPLOAD_STORE } from './tokens.js';
import type { UploadStore } from './upload-store.js';

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Vendor feeds: a CSV URL pulled on a cron (pg-boss schedule keyed by the feed) or on demand,
 * through the SSRF-guarded client webhooks use, into the upload store, then the same pipeline as
 * an upload. Request headers (credentials) are sealed in the vault.
 */
@Injectable()
export class FeedsService {
  constructor(
    private readonly db: DataSource,
    private readonly feeds: FeedsRepository,
    private readonly jobs: IngestJobsRepository,
    private readonly ingest: IngestService,
    private readonly vault: VaultService,
    private readonly queue: QueueService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @Inject(UPLOAD_STORE) private readonly uploads: UploadStore,
  ) {}

  async create(
    actor: Actor,
    vendorId: VendorId,
    f: {
      url: string;
      mode: IngestMode;
      cron: string;
      headers?: Record<string, string>;
      mapping?: Record<string, string>;
    },
  ): Promise<FeedRow> {
    const problem = urlProblem(f.url, this.config.webhooks);
    if (problem) throw new Unprocessable(`This URL cannot be a feed: ${problem}`, 'invalid_feed_url');
    this.ingest.checkMapping(f.mode, f.mapping);
    const headers = f.headers ?? {};
    const bad = Object.entries(headers).filter(
      ([k, v]) => !HEADER_NAME.test(k) || typeof v !== 'string' || /[\r\n]/.test(v),
    );
    if (bad.length > 0)
      throw new ValidationFailed(
        'Invalid feed headers',
        bad.map(([k]) => ({ field: `headers.${k}`, message: 'a header name and a one-line string value' })),
      );
    return this.db.transaction(async (m) => {
      const id = randomUUID();
      const secretId =
        Object.keys(headers).length > 0
          ? await this.vault.store({ vendorId, name: `feed:${id}`, plaintext: JSON.stringify(headers) }, m)
          : null;
      const row = await this.feeds.insert(m, vendorId, {
        id,
        url: f.url,
        mode: f.mode,
        cron: f.cron,
        mapping: f.mapping ?? null,
        secretId,
        headerNames: Object.keys(headers),
        createdBy: actor.id,
      });
      try {
        await this.queue.schedule('ingest.feed', f.cron, { feedId: id }, id);
      } catch (err) {
        throw new ValidationFailed('The cron expression is not valid', [
          { field: 'cron', message: err instanceof Error ? err.message : String(err) },
        ]);
      }
      await this.audit.record(
        actor,
        {
          action: 'ingest_feed.created',
          entity: 'ingest_feed',
          entityId: id,
          after: { url: f.url, mode: f.mode, cron: f.cron },
        },
        m,
      );
      return row;
    });
  }

  list(vendorId: VendorId): Promise<FeedRow[]> {
    return this.feeds.list(vendorId);
  }

  async get(vendorId: VendorId, id: string): Promise<FeedRow> {
    const feed = await this.feeds.find(vendorId, id);
    if (!feed) throw new NotFound('Feed', 'ingest_feed_not_found');
    return feed;
  }

  async delete(actor: Actor, vendorId: VendorId, id: string): Promise<void> {
    const feed = await this.get(vendorId, id);
    await this.db.transaction(async (m) => {
      await this.feeds.delete(m, vendorId, id);
      if (feed.headers_secret_id) await this.vault.delete(feed.headers_secret_id, m);
      await this.audit.record(
        actor,
        { action: 'ingest_feed.deleted', entity: 'ingest_feed', entityId: id, before: { url: feed.url } },
        m,
      );
    });
    await this.queue.unschedule('ingest.feed', id);
  }

  /** Runs the feed now: the job exists at once (status queued, phase download). */
  async refresh(actor: Actor, vendorId: VendorId, id: string): Promise<IngestJobRow> {
    const feed = await this.get(vendorId, id);
    return this.db.transaction(async (m) => {
      const job = await this.jobs.insert(m, vendorId, {
        id: randomUUID(),
        mode: feed.mode,
        mapping: feed.mapping,
        createdBy: actor.id,
        source: 'feed',
        feedId: feed.id,
      });
      await this.feeds.markRun(m, feed.id, job.id);
      await this.queue.send('ingest.feed', { feedId: feed.id, jobId: job.id }, { manager: m });
      return job;
    });
  }

  /**
   * Worker: downloads the feed into the upload store and queues the ingest. `jobId` is the job
   * made by `refresh`, or (scheduled runs) the queue job's own id, so a retried run reuses it.
   */
  async run(feedId: string, jobId: string, lastAttempt: boolean): Promise<void> {
    const feed = await this.feeds.findForWorker(feedId);
    if (!feed || !feed.enabled) return;
    let job = await this.jobs.findForWorker(jobId);
    if (!job) {
      job = await this.db.transaction(async (m) => {
        const row = await this.jobs.insert(m, feed.vendor_id, {
          id: jobId,
          mode: feed.mode,
          mapping: feed.mapping,
          createdBy: `feed:${feed.id}`,
          source: 'feed',
          feedId: feed.id,
        });
        await this.feeds.markRun(m, feed.id, row.id);
        return row;
      });
    }
    if (job.status !== 'awaiting_upload') return; // downloaded already
    const sealed = feed.headers_secret_id ? await this.vault.reveal(feed.headers_secret_id) : null;
    const headers = sealed ? (JSON.parse(sealed) as Record<string, string>) : {};
    try {
      const body = await guardedDownload(feed.url, headers, {
        allowHttp: this.config.webhooks.allowHttp,
        allowPrivateTargets: this.config.webhooks.allowPrivateTargets,
        idleTimeoutMs: 60_000,
        maxBytes: this.config.ingest.maxUploadBytes,
      });
      const bytes = await this.uploads.saveStream(jobId, body);
      await this.ingest.uploadFinished(jobId, bytes);
    } catch (err) {
      const retryable = !(err instanceof DownloadError) || err.retryable;
      if (!retryable || lastAttempt) {
        await this.ingest.failWithEvent(
          job,
          `the feed could not be downloaded: ${err instanceof Error ? err.message : String(err)}`,
        );
        return;
      }
      throw err;
    }
  }
}
