import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Cacheable } from '#libs/common';
import { DirectoryService } from './directory.service.js';
import {
  CategoryView,
  DirectoryQueryDto,
  PublicVendorView,
  SlugParam,
  VendorPageView,
} from './vendors.dto.js';

@ApiTags('vendor directory')
@Controller('vendors')
export class DirectoryController {
  constructor(private readonly directory: DirectoryService) {}

  @Get()
  @Cacheable(60)
  @ApiOperation({
    summary: 'Active vendors by name (public; filter by category, search by name; keyset pages)',
  })
  @ApiOkResponse({ type: VendorPageView })
  list(@Query() q: DirectoryQueryDto): Promise<VendorPageView> {
    return this.directory.list(q);
  }

  @Get('categories')
  @Cacheable(300)
  @ApiOperation({ summary: 'Vendor categories with the number of active vendors in each (public)' })
  @ApiOkResponse({ type: [CategoryView] })
  categories(): Promise<CategoryView[]> {
    return this.directory.categories();
  }

  @Get(':slug')
  @Cacheable(60)
  @ApiOperation({ summary: 'One active vendor (public)' })
  @ApiOkResponse({ type: PublicVendorView })
  @ApiNotFoundResponse({ description: '`vendor_not_found`' })
  get(@Param() p: SlugParam): Promise<PublicVendorView> {
    return this.directory.get(p.slug);
  }
}
