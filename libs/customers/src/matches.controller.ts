import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, ROLES, VendorAuth, type VendorPrincipal } from '#libs/vendors';
import { CustomerIdParam, MatchesQueryDto, MatchesView } from './customers.dto.js';
import { MatchesService } from './matches.service.js';

@ApiTags('customers')
@Controller('customers')
export class MatchesController {
  constructor(private readonly matches: MatchesService) {}

  @Get(':id/matches')
  @VendorAuth(ROLES.health)
  @ApiOperation({
    summary:
      "Products that respect the customer's allergies, preferences and per-meal limits, ranked by fit, with reasons (the profile read is audited)",
  })
  @ApiOkResponse({ type: MatchesView })
  @ApiNotFoundResponse({ description: '`customer_not_found` or `health_profile_not_found`' })
  find(
    @Principal() me: VendorPrincipal,
    @Param() p: CustomerIdParam,
    @Query() q: MatchesQueryDto,
  ): Promise<MatchesView> {
    return this.matches.forCustomer(me, me.vendorId, p.id, q);
  }
}
