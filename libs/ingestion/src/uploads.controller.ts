import { Controller, Delete, Head, Param, Patch, Post, Req, Res, applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtension,
  ApiConflictResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Principal, ROLES, VendorAuth, type VendorPrincipal } from '#libs/vendors';
import { UploadParam } from './ingest.dto.js';
import { TusUploadsService } from './tus-uploads.service.js';

/** Every TUS route: the ingest roles, the protocol header, the job lookup's 404. */
const TusRoute = (summary: string, more400 = '') =>
  applyDecorators(
    VendorAuth(ROLES.ingest),
    ApiExtension('x-tus', true),
    ApiHeader({ name: 'Tus-Resumable', required: true, example: '1.0.0' }),
    ApiOperation({ summary }),
    ApiNotFoundResponse({ description: '`ingest_job_not_found` (also for another vendor’s job)' }),
    ApiBadRequestResponse({
      description:
        '`invalid_upload_url`: the URL must be exactly the job’s upload_url (no query string, no extra path)' +
        more400,
    }),
  );

/**
 * TUS 1.0 for the vendor's own jobs (core, creation, termination). Any TUS client speaks this; the
 * routes are listed for completeness — the protocol's headers carry the state, not JSON bodies.
 */
@ApiTags('ingestion')
@Controller('ingest/uploads')
export class UploadsController {
  constructor(private readonly tus: TusUploadsService) {}

  @Post(':jobId')
  @TusRoute(
    'TUS creation: creates the upload of this job (201, Location: this URL)',
    '; `defer_length_unsupported` (Upload-Defer-Length), `concatenation_unsupported` (Upload-Concat)',
  )
  @ApiHeader({ name: 'Upload-Length', required: true, description: 'file size in bytes (≤ max_size_bytes)' })
  @ApiConflictResponse({
    description:
      '`upload_closed`: the upload already completed; `upload_exists`: it was already created with another Upload-Length (resume it with HEAD + PATCH). A repeated creation with the same Upload-Length (a lost 201) is answered 201 again, the upload untouched',
  })
  @ApiBadRequestResponse({
    description:
      '`defer_length_unsupported` (Upload-Defer-Length), `concatenation_unsupported` (Upload-Concat)',
  })
  @ApiPayloadTooLargeResponse({ description: 'Upload-Length over the limit' })
  @ApiResponse({
    status: 201,
    description: 'Created; Location is this URL',
    headers: { Location: { schema: { type: 'string' }, description: 'The upload URL' } },
  })
  create(
    @Principal() me: VendorPrincipal,
    @Param() p: UploadParam,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.tus.handle(me.vendorId, p.jobId, req, reply);
  }

  @Head(':jobId')
  @TusRoute('TUS: the offset received so far (Upload-Offset), to resume from')
  @ApiResponse({
    status: 200,
    description: 'The upload so far (no body)',
    headers: {
      'Upload-Offset': { schema: { type: 'integer' }, description: 'Bytes received' },
      'Upload-Length': { schema: { type: 'integer' }, description: 'The size declared at creation' },
    },
  })
  offset(
    @Principal() me: VendorPrincipal,
    @Param() p: UploadParam,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.tus.handle(me.vendorId, p.jobId, req, reply);
  }

  @Patch(':jobId')
  @TusRoute('TUS: append bytes at Upload-Offset (204); the last byte queues the job')
  @ApiHeader({ name: 'Upload-Offset', required: true })
  @ApiHeader({ name: 'Content-Type', required: true, example: 'application/offset+octet-stream' })
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
  @TusRoute('TUS termination: abandons the upload; the job fails')
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
