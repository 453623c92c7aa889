import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Actor } from '#libs/audit';
import { AdminAuth, ReplayPolicy } from '#libs/common';
import { AdminActor } from './admin-actor.decorator.js';
import {
  CreateApiKeyDto,
  CreateVendorDto,
  CreatedVendorView,
  IssuedApiKeyView,
  UpdateVendorDto,
  VendorIdParam,
  VendorView,
} from './vendors.dto.js';
import { VendorsService } from './vendors.service.js';
import { issuedKeyView, vendorView } from './views.js';

@ApiTags('admin')
@AdminAuth()
@Controller('admin/vendors')
export class AdminVendorsController {
  constructor(private readonly vendors: VendorsService) {}

  @Post()
  @ReplayPolicy({ secret: true })
  @ApiOperation({
    summary:
      'Create a vendor, its 16 product and 32 customer hash partitions, and a first admin API key (shown once)',
  })
  @ApiCreatedResponse({ type: CreatedVendorView })
  @ApiConflictResponse({ description: '`slug_taken`' })
  create(@AdminActor() admin: Actor, @Body() dto: CreateVendorDto): Promise<CreatedVendorView> {
    return this.vendors
      .create(admin, dto)
      .then((r) => ({ vendor: vendorView(r.vendor), api_key: issuedKeyView(r.apiKey) }));
  }

  @Get(':id')
  @ApiOperation({ summary: 'A vendor, any status but deleted' })
  @ApiOkResponse({ type: VendorView })
  @ApiNotFoundResponse({ description: '`vendor_not_found`' })
  get(@Param() p: VendorIdParam): Promise<VendorView> {
    return this.vendors.get(p.id).then(vendorView);
  }

  @Patch(':id')
  @ApiOperation({ summary: "Update a vendor's directory profile" })
  @ApiOkResponse({ type: VendorView })
  @ApiNotFoundResponse({ description: '`vendor_not_found`' })
  update(
    @AdminActor() admin: Actor,
    @Param() p: VendorIdParam,
    @Body() dto: UpdateVendorDto,
  ): Promise<VendorView> {
    return this.vendors.update(admin, p.id, dto).then(vendorView);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend: every vendor route answers 403 vendor_suspended; data is kept' })
  @ApiOkResponse({ type: VendorView })
  @ApiNotFoundResponse({ description: '`vendor_not_found`' })
  suspend(@AdminActor() admin: Actor, @Param() p: VendorIdParam): Promise<VendorView> {
    return this.vendors.suspend(admin, p.id).then(vendorView);
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a suspension' })
  @ApiOkResponse({ type: VendorView })
  @ApiNotFoundResponse({ description: '`vendor_not_found`' })
  reactivate(@AdminActor() admin: Actor, @Param() p: VendorIdParam): Promise<VendorView> {
    return this.vendors.reactivate(admin, p.id).then(vendorView);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Delete a vendor: drops its products and customers, revokes its keys (irreversible)',
  })
  @ApiOkResponse({ type: VendorView })
  @ApiNotFoundResponse({ description: '`vendor_not_found`' })
  remove(@AdminActor() admin: Actor, @Param() p: VendorIdParam): Promise<VendorView> {
    return this.vendors.delete(admin, p.id).then(vendorView);
  }

  @Post(':id/api-keys')
  @ReplayPolicy({ secret: true })
  @ApiOperation({
    summary: 'Issue an API key for a vendor (e.g. to recover a locked-out account); shown once',
  })
  @ApiCreatedResponse({ type: IssuedApiKeyView })
  @ApiNotFoundResponse({ description: '`vendor_not_found`' })
  issueKey(
    @AdminActor() admin: Actor,
    @Param() p: VendorIdParam,
    @Body() dto: CreateApiKeyDto,
  ): Promise<IssuedApiKeyView> {
    return this.vendors.issueKey(admin, p.id, dto).then(issuedKeyView);
  }
}
