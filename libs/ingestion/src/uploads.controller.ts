import { Controller, Delete, Head, Param, Patch, Post, Req, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Principal, ROLES, VendorAuth, type VendorPrincipal } from '#libs/vendors';
import { UploadParam } from './ingest.dto.js';
import { TusUploadsService } from './tus-uploads.service.js';

const TUS = ApiHeader({ name: 'Tus-Resumable', required: true, example: '1.0.0' });

/**
 * TUS 1.0 for the vendor's own jobs (core, creation, termination). Any TUS client speaks this; the
 * routes are listed for completeness — the protocol's headers carry the state, not JSON bodies.
 */
@ApiTags('ingestion')
@Controller('ingest/uploads')
export class UploadsController {
  constructor(private readonly tus: TusUploadsService) {}

  @Post(':jobId')
  @VendorAuth(ROLES.ingest)
  @TUS
  @ApiHeader({ name: 'Upload-Length', required: true, description: 'file size in bytes (≤ max_size_bytes)' })
  @ApiOperation({ summary: 'TUS creation: creates the upload of this job (201, Location: this URL)' })
  @ApiNotFoundResponse({ description: '`ingest_job_not_found` (also for another vendor’s job)' })
  @ApiConflictResponse({ description: '`upload_closed`: the upload already completed' })
  @ApiPayloadTooLargeResponse({ description: 'Upload-Length over the limit' })
  create(
    @Principal() me: VendorPrincipal,
    @Param() p: UploadParam,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.tus.handle(me.vendorId, p.jobId, req, reply);
  }

  @Head(':jobId')
  @VendorAuth(ROLES.ingest)
  @TUS
  @ApiOperation({ summary: 'TUS: the offset received so far (Upload-Offset), to resume from' })
  @ApiNotFoundResponse({ description: '`ingest_job_not_found`' })
  offset(
    @Principal() me: VendorPrincipal,
    @Param() p: UploadParam,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.tus.handle(me.vendorId, p.jobId, req, reply);
  }

  @Patch(':jobId')
  @VendorAuth(ROLES.ingest)
  @TUS
  @ApiHeader({ name: 'Upload-Offset', required: true })
  @ApiHeader({ name: 'Content-Type', required: true, example: 'application/offset+octet-stream' })
  @ApiOperation({ summary: 'TUS: append bytes at Upload-Offset (204); the last byte queues the job' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: '`upload_closed`, or the offset does not match (TUS 409)' })
  append(
    @Principal() me: VendorPrincipal,
    @Param() p: UploadParam,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.tus.handle(me.vendorId, p.jobId, req, reply);
  }

  @Delete(':jobId')
  @VendorAuth(ROLES.ingest)
  @TUS
  @ApiOperation({ summary: 'TUS termination: abandons the upload; the job fails' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: '`upload_closed`' })
  terminate(
    @Principal() me: VendorPrincipal,
    @Param() p: UploadParam,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.tus.handle(me.vendorId, p.jobId, req, reply);
  }
}
