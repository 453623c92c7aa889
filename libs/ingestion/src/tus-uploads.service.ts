import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Server } from '@tus/server';
import type { VendorId } from '#libs/common';
import { AppConfig } from '#libs/config';
import { IngestService, UPLOADS_PATH } from './ingest.service.js';
import { UPLOAD_STORE } from './tokens.js';
import type { UploadStore } from './upload-store.js';

const lastSegment = (url: string) =>
  new URL(url, 'http://x').pathname.split('/').filter(Boolean).at(-1) ?? '';

/**
 * The TUS 1.0 endpoint (@tus/server: core, creation, termination, expiration). The upload id is
 * the job id: the client creates the upload at its job's upload_url and resumes there. Requests
 * arrive here authenticated and checked against the vendor's job by the controller.
 */
@Injectable()
export class TusUploadsService implements OnModuleInit {
  private server!: Server;

  constructor(
    private readonly ingest: IngestService,
    private readonly config: AppConfig,
    @Inject(UPLOAD_STORE) private readonly uploads: UploadStore,
  ) {}

  onModuleInit(): void {
    this.server = new Server({
      path: UPLOADS_PATH,
      datastore: this.uploads.store,
      maxSize: this.config.ingest.maxUploadBytes,
      relativeLocation: true,
      respectForwardedHeaders: this.config.http.trustProxy,
      disableTerminationForFinishedUploads: true,
      namingFunction: (req) => lastSegment(req.url),
      onUploadFinish: async (_req, upload) => {
        await this.ingest.uploadFinished(upload.id, upload.size ?? upload.offset);
        return {};
      },
    });
  }

  async handle(vendorId: VendorId, jobId: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    await this.ingest.uploadTarget(vendorId, jobId, req.method);
    // From here the TUS server writes the raw response; headers Fastify set (CORS, request id) go along.
    reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value as string);
    }
    await this.server.handle(req.raw, reply.raw);
    if (req.method === 'DELETE' && reply.raw.statusCode === 204) await this.ingest.uploadTerminated(jobId);
  }
}
