import { All, Controller, Param, Req, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Principal, ROLES, VendorAuth, type VendorPrincipal } from '#libs/vendors';
import { UploadParam } from './ingest.dto.js';
import { TusUploadsService } from './tus-uploads.service.js';

/** TUS 1.0 (POST create, HEAD offset, PATCH bytes, DELETE terminate) for the vendor's own jobs. */
@ApiTags('ingestion')
@Controller('ingest/uploads')
export class UploadsController {
  constructor(private readonly tus: TusUploadsService) {}

  @All(':jobId')
  @VendorAuth(ROLES.ingest)
  @ApiExcludeEndpoint()
  @ApiConflictResponse({ description: '`upload_closed`' })
  upload(
    @Principal() me: VendorPrincipal,
    @Param() p: UploadParam,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.tus.handle(me.vendorId, p.jobId, req, reply);
  }
}
