import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IdempotencyRequired } from '#libs/common';
import { Principal, ROLES, VendorAuth, type VendorPrincipal } from '#libs/vendors';
import { CreateFeedDto, FeedView, IdParam, IngestJobView } from './ingest.dto.js';
import { FeedsService } from './feeds.service.js';
import { feedView, jobView } from './views.js';

@ApiTags('ingestion')
@Controller('ingest/feeds')
export class FeedsController {
  constructor(private readonly feeds: FeedsService) {}

  @Post()
  @VendorAuth(ROLES.ingest)
  @IdempotencyRequired()
  @ApiOperation({
    summary: 'Pull a CSV from a URL on a cron (UTC) through the same pipeline as uploads',
    description:
      'The URL must be https (public addresses only); `headers` (e.g. Authorization) are stored encrypted and never returned.',
  })
  @ApiCreatedResponse({ type: FeedView })
  @ApiBadRequestResponse({ description: '`validation_failed` (cron, mapping, headers)' })
  @ApiUnprocessableEntityResponse({ description: '`invalid_feed_url`' })
  create(@Principal() me: VendorPrincipal, @Body() dto: CreateFeedDto): Promise<FeedView> {
    return this.feeds.create(me, me.vendorId, dto).then(feedView);
  }

  @Get()
  @VendorAuth(ROLES.ingest)
  @ApiOperation({ summary: "The vendor's feeds" })
  @ApiOkResponse({ type: [FeedView] })
  list(@Principal() me: VendorPrincipal): Promise<FeedView[]> {
    return this.feeds.list(me.vendorId).then((rows) => rows.map(feedView));
  }

  @Delete(':id')
  @HttpCode(204)
  @VendorAuth(ROLES.ingest)
  @ApiOperation({ summary: 'Stop and remove a feed (its stored headers are deleted)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: '`ingest_feed_not_found`' })
  remove(@Principal() me: VendorPrincipal, @Param() p: IdParam): Promise<void> {
    return this.feeds.delete(me, me.vendorId, p.id);
  }

  @Post(':id/refresh')
  @HttpCode(202)
  @VendorAuth(ROLES.ingest)
  @IdempotencyRequired()
  @ApiOperation({ summary: 'Run the feed now; returns its ingest job (follow it at /ingest/jobs/{job_id})' })
  @ApiAcceptedResponse({ type: IngestJobView })
  @ApiNotFoundResponse({ description: '`ingest_feed_not_found`' })
  refresh(@Principal() me: VendorPrincipal, @Param() p: IdParam): Promise<IngestJobView> {
    return this.feeds.refresh(me, me.vendorId, p.id).then(jobView);
  }
}
