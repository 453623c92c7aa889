import { Body, Controller, Get, Param, Patch, Post, Put } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IdempotencyRequired, ReplayPolicy } from '#libs/common';
import { Principal, ROLES, VendorAuth, type VendorPrincipal } from '#libs/vendors';
import {
  CreateCustomerDto,
  CustomerIdParam,
  CustomerIdentityDto,
  CustomerView,
  HealthProfileDto,
  HealthProfileView,
  ReplaceCustomerDto,
  UpsertedCustomerView,
} from './customers.dto.js';
import { CustomersService } from './customers.service.js';

@ApiTags('customers')
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @ReplayPolicy({ auditAs: { action: 'customer.health_profile.read', entity: 'customer' } })
  @VendorAuth(ROLES.health)
  @IdempotencyRequired()
  @ApiOperation({
    summary:
      'Create a customer, or update it in place when its external_id exists; an optional health_profile is written (audited)',
  })
  @ApiCreatedResponse({ type: UpsertedCustomerView })
  create(@Principal() me: VendorPrincipal, @Body() dto: CreateCustomerDto): Promise<UpsertedCustomerView> {
    return this.customers.upsert(me, me.vendorId, dto);
  }

  @Get(':id')
  @VendorAuth(ROLES.health)
  @ApiOperation({ summary: 'A customer (identity only; health data has its own audited route)' })
  @ApiOkResponse({ type: CustomerView })
  @ApiNotFoundResponse({ description: '`customer_not_found`' })
  get(@Principal() me: VendorPrincipal, @Param() p: CustomerIdParam): Promise<CustomerView> {
    return this.customers.get(me.vendorId, p.id);
  }

  @Put(':id')
  @VendorAuth(ROLES.health)
  @IdempotencyRequired()
  @ApiOperation({ summary: "Replace a customer's identity fields" })
  @ApiOkResponse({ type: CustomerView })
  @ApiNotFoundResponse({ description: '`customer_not_found`' })
  @ApiUnprocessableEntityResponse({ description: '`external_id_mismatch`' })
  replace(
    @Principal() me: VendorPrincipal,
    @Param() p: CustomerIdParam,
    @Body() dto: ReplaceCustomerDto,
  ): Promise<CustomerView> {
    return this.customers.replace(me.vendorId, p.id, dto);
  }

  @Patch(':id')
  @VendorAuth(ROLES.health)
  @IdempotencyRequired()
  @ApiOperation({ summary: "Change some of a customer's identity fields" })
  @ApiOkResponse({ type: CustomerView })
  @ApiNotFoundResponse({ description: '`customer_not_found`' })
  patch(
    @Principal() me: VendorPrincipal,
    @Param() p: CustomerIdParam,
    @Body() dto: CustomerIdentityDto,
  ): Promise<CustomerView> {
    return this.customers.update(me.vendorId, p.id, dto);
  }

  @Get(':id/health-profile')
  @VendorAuth(ROLES.health)
  @ApiOperation({ summary: 'The health profile with its derivations (every read is audited)' })
  @ApiOkResponse({ type: HealthProfileView })
  @ApiNotFoundResponse({ description: '`customer_not_found` or `health_profile_not_found`' })
  readHealth(@Principal() me: VendorPrincipal, @Param() p: CustomerIdParam): Promise<HealthProfileView> {
    return this.customers.readHealthOrFail(me, me.vendorId, p.id) as Promise<HealthProfileView>;
  }

  @Put(':id/health-profile')
  @ReplayPolicy({ auditAs: { action: 'customer.health_profile.read', entity: 'customer' } })
  @VendorAuth(ROLES.health)
  @IdempotencyRequired()
  @ApiOperation({
    summary:
      'Replace the health profile; BMR, TDEE and derived limits are recomputed (audited with before/after)',
  })
  @ApiOkResponse({ type: HealthProfileView })
  @ApiNotFoundResponse({ description: '`customer_not_found`' })
  replaceHealth(
    @Principal() me: VendorPrincipal,
    @Param() p: CustomerIdParam,
    @Body() dto: HealthProfileDto,
  ): Promise<HealthProfileView> {
    return this.customers.replaceHealth(me, me.vendorId, p.id, dto) as Promise<HealthProfileView>;
  }
}
