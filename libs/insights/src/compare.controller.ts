import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Cacheable } from '#libs/common';
import { DirectoryInsightsService } from './directory-insights.service.js';
import { CompareVendorsDto, CompareVendorsView, SlugPathParam, VendorCatalogueView } from './insights.dto.js';

@ApiTags('vendor directory')
@Controller('vendors')
export class CompareController {
  constructor(private readonly directory: DirectoryInsightsService) {}

  @Post('compare')
  @HttpCode(200)
  @Cacheable(60, { conditional: false })
  @ApiOperation({
    summary: 'Compare 2–5 active vendors side by side (public; derived catalogue figures, optional diet fit)',
    description:
      "Read from a replica when DATABASE_REPLICA_URLS is set. With `diet_type` and/or `allergens`, `fit.products` counts each vendor's products carrying the diet's tag and none of the allergens.",
  })
  @ApiOkResponse({ type: CompareVendorsView })
  @ApiNotFoundResponse({ description: '`vendor_not_found` (the message names the slugs)' })
  compare(@Body() dto: CompareVendorsDto): Promise<CompareVendorsView> {
    return this.directory.compare(dto);
  }

  @Get(':slug/catalogue')
  @Cacheable(60)
  @ApiOperation({
    summary: "An active vendor's derived catalogue figures (public; read from a replica when set)",
  })
  @ApiOkResponse({ type: VendorCatalogueView })
  @ApiNotFoundResponse({ description: '`vendor_not_found`' })
  catalogue(@Param() p: SlugPathParam): Promise<VendorCatalogueView> {
    return this.directory.catalogue(p.slug);
  }
}
