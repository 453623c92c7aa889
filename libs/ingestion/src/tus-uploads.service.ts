import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Server } from '@tus/server';
import { Conflict, ValidationFailed, type VendorId } from '#libs/common';
import { AppConfig } from '#libs/config';
import { isDatabaseUnavailable } from '#libs/db';
import { IngestService, UPLOADS_PATH } from './ingest.service.js';
import { PgLocker } from './pg-locker.js';
import { UPLOAD_STORE } from './tokens.js';
import type { UploadStore } from './upload-store.js';

/** What @tus/server answers when a hook throws it: the database is away, try again shortly. */
const unavailable = () => ({
  status_code: 503,
  body: JSON.stringify({
    error: {
      code: 'database_unavailable',
      message: 'The database is unavailable; retry shortly',
      details: [],
    },
  }),
});

/** The web Request @tus/server hands its hooks; on Node it carries the raw request it wraps. */
type TusRequest = { runtime?: { node?: { req?: IncomingMessage } } };

/**
 * The TUS 1.0 endpoint (@tus/server: core, creation, termination, expiration). The upload id is
 * the job id: the client creates the upload at its job's upload_url and resumes there. Requests
 * arrive here authenticated and checked against the vendor's job by the controller.
 *
 * @tus/server would take the id from the whole URL (query string included, `/([^/]+)\/?$/`), so a
 * URL like `<own job>?x=/<other job>` would act on another vendor's upload. The id it acts on is
 * therefore pinned to the authorised job for each request (never read from the URL), and a TUS URL
 * must be exactly the job's upload URL.
 */
@Injectable()
export class TusUploadsService implements OnModuleInit, OnModuleDestroy {
  private server!: Server;
  private locker!: PgLocker;
  /** Raw request → the job id the guard and uploadTarget authorised for it. */
  private readonly authorised = new WeakMap<IncomingMessage, string>();

  constructor(
    private readonly ingest: IngestService,
    private readonly config: AppConfig,
    @Inject(UPLOAD_STORE) private readonly uploads: UploadStore,
  ) {}

  onModuleInit(): void {
    const origins = this.config.http.corsOrigins;
    // one lock per upload across every api process (the default MemoryLocker is per process)
    this.locker = new PgLocker({
      connectionString: this.config.database.url,
      applicationName: 'api-tus-locks',
    });
    this.server = new Server({
      locker: this.locker,
      path: UPLOADS_PATH,
      datastore: this.uploads.store,
      maxSize: this.config.ingest.maxUploadBytes,
      relativeLocation: true,
      respectForwardedHeaders: false,
      disableTerminationForFinishedUploads: true,
      // CORS as for every other route: only CORS_ORIGINS (none by default), never `*`.
      allowedOrigins: (origin) => origins.includes(origin),
      getFileIdFromRequest: (req) => this.pinnedId(req as unknown as TusRequest),
      namingFunction: (req) => {
        const id = this.pinnedId(req as unknown as TusRequest);
        if (!id) throw new Error('TUS creation without an authorised upload id');
        return id;
      },
      generateUrl: (_req, { path, id }) => `${path}/${id}`,
      onUploadFinish: async (_req, upload) => {
        try {
          await this.ingest.uploadFinished(upload.id, upload.size ?? upload.offset);
        } catch (err) {
          // the bytes are stored; the job is queued on the client's retry (handle) or by maintenance
          if (isDatabaseUnavailable(err)) throw unavailable();
          throw err;
        }
        return {};
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.locker?.close();
  }

  async handle(vendorId: VendorId, jobId: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (req.raw.url !== `${UPLOADS_PATH}/${jobId}`) {
      throw new ValidationFailed(
        `A TUS request must address the upload URL exactly (${UPLOADS_PATH}/<job id>, no query string)`,
        [{ field: 'url', message: 'unexpected query string or path' }],
        'invalid_upload_url',
      );
    }
    // the vendor's upload job (ownership, source); whether it still takes bytes is checked below
    const job = await this.ingest.uploadTarget(vendorId, jobId, 'HEAD');
    const stored = await this.uploads.progress(jobId);
    if (stored && stored.size !== null && stored.offset >= stored.size && job.status === 'awaiting_upload') {
      // every byte arrived but the job was not queued (the database went away as the last PATCH
      // finished): queue it now, as the client comes back to see its upload through
      await this.ingest.uploadFinished(jobId, stored.size);
    }
    if (req.method === 'POST' && (await this.repeatedCreation(jobId, stored, req, reply))) return;
    if (req.method !== 'HEAD' && req.method !== 'GET')
      await this.ingest.uploadTarget(vendorId, jobId, req.method);
    if (req.method === 'DELETE') await this.beforeTermination(jobId);
    this.authorised.set(req.raw, jobId);
    // From here the TUS server writes the raw response; headers Fastify set (request id, CORS) go along.
    reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value as string);
    }
    await this.server.handle(req.raw, reply.raw);
  }

  /**
   * A termination fails the job before the file goes (the TUS server answers 204 as soon as it is
   * removed), so a client reading its job after the 204 sees it failed. Not for an upload that does
   * not exist or is complete: the TUS server refuses to terminate those (404, 400).
   */
  private async beforeTermination(jobId: string): Promise<void> {
    const p = await this.uploads.progress(jobId);
    if (p && (p.size === null || p.offset < p.size)) await this.ingest.uploadTerminated(jobId);
  }

  /**
   * Creation happens once per job (a second creation would truncate what was received so far).
   * A repeated creation of the same upload (the same Upload-Length, not complete) is a client
   * whose creation response was lost — its connection cut, its api process gone — retrying: it is
   * answered as the first was (201 with the upload's Location) without touching the upload, and
   * the client's PATCH at a stale offset gets 409, after which it resumes from the offset HEAD
   * reports (for a complete upload: nothing left to send). Returns true when it answered.
   */
  private async repeatedCreation(
    jobId: string,
    existing: { offset: number; size: number | null } | null,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<boolean> {
    this.assertCreatable(req);
    if (!existing) return false;
    const length = Number(req.headers['upload-length']);
    if (existing.size === null || existing.size !== length) {
      throw new Conflict(
        'This job already has an upload: resume it (HEAD, then PATCH at Upload-Offset)',
        'upload_exists',
      );
    }
    await reply
      .status(201)
      .header('tus-resumable', '1.0.0')
      .header('location', `${UPLOADS_PATH}/${jobId}`)
      .send();
    return true;
  }

  private assertCreatable(req: FastifyRequest): void {
    if (req.headers['upload-defer-length'] !== undefined) {
      throw new ValidationFailed(
        'Upload-Defer-Length is not supported: send Upload-Length (the file size) when creating the upload',
        [{ field: 'Upload-Defer-Length', message: 'not supported' }],
        'defer_length_unsupported',
      );
    }
    if (req.headers['upload-concat'] !== undefined) {
      throw new ValidationFailed(
        'Upload-Concat is not supported',
        [{ field: 'Upload-Concat', message: 'not supported' }],
        'concatenation_unsupported',
      );
    }
  }

  /** The authorised job id of this request; undefined (so 404) for a request that did not come through handle(). */
  private pinnedId(req: TusRequest): string | undefined {
    const raw = req.runtime?.node?.req;
    return raw ? this.authorised.get(raw) : undefined;
  }
}
