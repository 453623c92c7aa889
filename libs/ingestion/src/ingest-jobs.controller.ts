import { Body, Controller, Get, Param, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { asStreamableCsv } from './views-http.js';
import { Principal, ROLES, VendorAuth, type VendorPrincipal } from '#libs/vendors';
import {
  CreateIngestDto,
  IdParam,
  IngestJobPageView,
  IngestJobView,
  IngestModeQuery,
  IngestUploadView,
  ListJobsQuery,
} from './ingest.dto.js';
import { IngestService } from './ingest.service.js';
import { jobView } from './views.js';

@ApiTags('ingestion')
@Controller('ingest')
export class IngestJobsController {
  constructor(private readonly ingest: IngestService) {}

  @Post('csv')
  @VendorAuth(ROLES.ingest)
  @ApiOperation({
    summary: 'Start a CSV ingest: returns the job and its TUS upload URL (≤ 10 GiB, resumable)',
    description:
      'Upload the file with any TUS 1.0 client to `upload_url` (POST creates the upload there, PATCH sends bytes, HEAD tells the offset to resume from), with the same credentials. When the upload completes the job is queued. Headers are mapped to fields by the explicit `mapping`, then exact names, then synonyms; a header that does not say its unit ("Energy") fails the job until the mapping says which (`{"Energy": "energy_kj"}`). Nutrients given per 100 g (`nutrient_basis: per_100g`, headers such as "Protein (g/100 g)", or a `nutrient_basis` column) are stored per serving.',
  })
  @ApiCreatedResponse({ type: IngestUploadView })
  create(
    @Principal() me: VendorPrincipal,
    @Query() q: IngestModeQuery,
    @Body() dto: CreateIngestDto,
  ): Promise<IngestUploadView> {
    return this.ingest
      .createUploadJob(me, me.vendorId, q.mode, dto.mapping, dto.nutrient_basis)
      .then((r) => ({
        job_id: r.job.id,
        upload_url: r.upload_url,
        resumable: r.resumable,
        max_size_bytes: r.max_size_bytes,
      }));
  }

  @Get('jobs')
  @VendorAuth(ROLES.ingest)
  @ApiOperation({ summary: "The vendor's ingest jobs, newest first" })
  @ApiOkResponse({ type: IngestJobPageView })
  list(@Principal() me: VendorPrincipal, @Query() q: ListJobsQuery): Promise<IngestJobPageView> {
    return this.ingest
      .list(me.vendorId, q)
      .then((p) => ({ data: p.data.map(jobView), next_cursor: p.next_cursor }));
  }

  @Get('jobs/:id')
  @VendorAuth(ROLES.ingest)
  @ApiOperation({ summary: 'One job: status, phase, counts, progress, error' })
  @ApiOkResponse({ type: IngestJobView })
  @ApiNotFoundResponse({ description: '`ingest_job_not_found`' })
  get(@Principal() me: VendorPrincipal, @Param() p: IdParam): Promise<IngestJobView> {
    return this.ingest.get(me.vendorId, p.id).then(jobView);
  }

  @Get('jobs/:id/errors.csv')
  @VendorAuth(ROLES.ingest)
  @ApiOperation({
    summary:
      'Rejected rows and warnings: line, column (the header in the file), value, reason, severity (error: not applied; warning: applied, with a note) — one row per problem',
  })
  @ApiResponse({
    status: 200,
    description: 'CSV with header `line,column,value,reason,severity`',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiNotFoundResponse({ description: '`ingest_job_not_found`' })
  errors(@Principal() me: VendorPrincipal, @Param() p: IdParam): Promise<StreamableFile> {
    return this.ingest.errorsCsv(me.vendorId, p.id).then((s) => asStreamableCsv(s, `errors-${p.id}.csv`));
  }
}
