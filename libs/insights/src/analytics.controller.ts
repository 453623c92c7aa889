import { Controller, Get } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, ROLES, VendorAuth, type VendorPrincipal } from '#libs/vendors';
import { CatalogueAnalyticsService } from './catalogue-analytics.service.js';
import { CatalogueAnalyticsView } from './insights.dto.js';

@ApiTags('analytics')
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: CatalogueAnalyticsService) {}

  @Get('catalogue')
  @VendorAuth(ROLES.read)
  @ApiOperation({
    summary:
      "The catalogue's data quality, tag coverage and match coverage (customers with at least 10 safe products, by condition)",
    description:
      'Computed by a job after each ingest, diet-rule change and hourly; this reads the stored result (from a replica when DATABASE_REPLICA_URLS is set).',
  })
  @ApiOkResponse({ type: CatalogueAnalyticsView })
  @ApiNotFoundResponse({ description: '`analytics_not_ready` (not computed yet)' })
  catalogue(@Principal() me: VendorPrincipal): Promise<CatalogueAnalyticsView> {
    return this.analytics.get(me.vendorId);
  }
}
