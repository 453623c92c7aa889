import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdempotencyRequired, ReplayPolicy } from '#libs/common';
import { CustomerIdParam } from '#libs/customers';
import { Principal, ROLES, VendorAuth, type VendorPrincipal } from '#libs/vendors';
import { CustomerDataService } from './customer-data.service.js';
import {
  CustomerExportView,
  EraseCustomersDto,
  ErasedCustomerView,
  ErasedCustomersView,
} from './privacy.dto.js';

/** A customer's rights, exercised by the vendor: a copy of everything held, and erasure. */
@ApiTags('customers')
@Controller('customers')
export class CustomerPrivacyController {
  constructor(private readonly data: CustomerDataService) {}

  @Get(':id/export')
  @VendorAuth(ROLES.health)
  @ApiOperation({
    summary:
      'Everything held about a customer as JSON: identity, health profile with derived limits, rejected CSV lines naming them, and who read or changed their data (audited as `customer.exported`)',
  })
  @ApiOkResponse({ type: CustomerExportView })
  @ApiNotFoundResponse({ description: '`customer_not_found`' })
  async export(@Principal() me: VendorPrincipal, @Param() p: CustomerIdParam): Promise<CustomerExportView> {
    const copy = await this.data.export(me, me.vendorId, p.id);
    return { ...copy, audit: copy.audit.map(({ vendor_id: _, ...entry }) => entry) } as CustomerExportView;
  }

  @Delete(':id')
  @VendorAuth(ROLES.health)
  @ApiOperation({
    summary:
      'Erase a customer: identity, health profile, derived limits, rejected CSV lines naming them, stored responses mentioning them — one audited transaction (`customer.erased`, field names and digests only), then a `customer.deleted` webhook',
  })
  @ApiOkResponse({ type: ErasedCustomerView })
  @ApiNotFoundResponse({ description: '`customer_not_found`' })
  erase(@Principal() me: VendorPrincipal, @Param() p: CustomerIdParam): Promise<ErasedCustomerView> {
    return this.data.erase(me, me.vendorId, p.id);
  }

  @Post('erase')
  @HttpCode(200)
  @VendorAuth(ROLES.health)
  @IdempotencyRequired()
  @ReplayPolicy({ erasure: true })
  @ApiOperation({
    summary: 'Erase up to 1000 customers by external id, each as DELETE /customers/{id}, in one transaction',
  })
  @ApiOkResponse({ type: ErasedCustomersView })
  eraseMany(@Principal() me: VendorPrincipal, @Body() dto: EraseCustomersDto): Promise<ErasedCustomersView> {
    return this.data.eraseMany(me, me.vendorId, dto.external_ids);
  }
}
