import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, ROLES, VendorAuth, type VendorPrincipal } from '#libs/vendors';
import { SearchQueryDto, SearchView } from './catalogue.dto.js';
import { SearchService } from './search.service.js';

@ApiTags('search')
@Controller('search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get()
  @VendorAuth(ROLES.read)
  @ApiOperation({
    summary: "Search the vendor's catalogue (full-text rank + filters, keyset pages)",
    description:
      'Read from a replica when DATABASE_REPLICA_URLS is set; `freshness` is `stale` when that replica is more than REPLICA_STALE_AFTER_MS behind.',
  })
  @ApiOkResponse({ type: SearchView })
  find(@Principal() me: VendorPrincipal, @Query() q: SearchQueryDto): Promise<SearchView> {
    return this.search.find(me.vendorId, q);
  }
}
