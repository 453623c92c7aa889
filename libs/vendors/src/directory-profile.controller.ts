import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ROLES, type VendorPrincipal } from './auth/principal.js';
import { Principal, VendorAuth } from './auth/vendor-auth.guard.js';
import { PublicVendorView, UpdateDirectoryProfileDto } from './vendors.dto.js';
import { VendorsService } from './vendors.service.js';
import { publicVendorView } from './views.js';

@ApiTags('vendor directory')
@Controller('directory-profile')
export class DirectoryProfileController {
  constructor(private readonly vendors: VendorsService) {}

  @Get()
  @VendorAuth(ROLES.read)
  @ApiOperation({ summary: "The calling vendor's public directory entry, as shoppers see it" })
  @ApiOkResponse({ type: PublicVendorView })
  get(@Principal() me: VendorPrincipal): Promise<PublicVendorView> {
    return this.vendors.get(me.vendorId).then(publicVendorView);
  }

  @Patch()
  @VendorAuth(ROLES.admin)
  @ApiOperation({
    summary:
      "Edit the calling vendor's directory entry: description, website, logo, delivery regions, best-for diets, price level (audited)",
  })
  @ApiOkResponse({ type: PublicVendorView })
  update(
    @Principal() me: VendorPrincipal,
    @Body() dto: UpdateDirectoryProfileDto,
  ): Promise<PublicVendorView> {
    return this.vendors.updateDirectoryProfile(me, me.vendorId, dto).then(publicVendorView);
  }
}
