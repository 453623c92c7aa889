import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import {
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
import {
  CompareDto,
  CompareView,
  CreateProductDto,
  PatchProductDto,
  ProductIdParam,
  ProductView,
  ReplaceProductDto,
  UpsertedProductView,
  WrittenProductView,
} from './catalogue.dto.js';
import { ProductsService } from './products.service.js';

@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post()
  @VendorAuth(ROLES.write)
  @IdempotencyRequired()
  @ApiOperation({
    summary:
      'Create a product, or update it in place when its external_id exists (id = uuid_v5(vendor, external_id))',
  })
  @ApiCreatedResponse({ type: UpsertedProductView })
  create(@Principal() me: VendorPrincipal, @Body() dto: CreateProductDto): Promise<UpsertedProductView> {
    return this.products.upsert(me.vendorId, dto);
  }

  @Post('compare')
  @HttpCode(200)
  @VendorAuth(ROLES.read)
  @ApiOperation({ summary: 'Products side by side: per serving, per 100 g, price per 10 g protein' })
  @ApiOkResponse({ type: CompareView })
  @ApiNotFoundResponse({ description: '`product_not_found` (details name the missing ids)' })
  compare(@Principal() me: VendorPrincipal, @Body() dto: CompareDto): Promise<CompareView> {
    return this.products.compare(me.vendorId, dto.ids);
  }

  @Get(':id')
  @VendorAuth(ROLES.read)
  @ApiOperation({ summary: 'One product' })
  @ApiOkResponse({ type: ProductView })
  @ApiNotFoundResponse({ description: '`product_not_found`' })
  get(@Principal() me: VendorPrincipal, @Param() p: ProductIdParam): Promise<ProductView> {
    return this.products.get(me.vendorId, p.id);
  }

  @Put(':id')
  @VendorAuth(ROLES.write)
  @IdempotencyRequired()
  @ApiOperation({ summary: 'Replace every field of a product (omitted fields reset)' })
  @ApiOkResponse({ type: WrittenProductView })
  @ApiNotFoundResponse({ description: '`product_not_found`' })
  @ApiUnprocessableEntityResponse({ description: '`external_id_mismatch`' })
  replace(
    @Principal() me: VendorPrincipal,
    @Param() p: ProductIdParam,
    @Body() dto: ReplaceProductDto,
  ): Promise<WrittenProductView> {
    return this.products.replace(me.vendorId, p.id, dto);
  }

  @Patch(':id')
  @VendorAuth(ROLES.write)
  @IdempotencyRequired()
  @ApiOperation({ summary: 'Change some fields of a product' })
  @ApiOkResponse({ type: WrittenProductView })
  @ApiNotFoundResponse({ description: '`product_not_found`' })
  patch(
    @Principal() me: VendorPrincipal,
    @Param() p: ProductIdParam,
    @Body() dto: PatchProductDto,
  ): Promise<WrittenProductView> {
    return this.products.patch(me.vendorId, p.id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @VendorAuth(ROLES.write)
  @ApiOperation({ summary: 'Delete a product' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: '`product_not_found`' })
  remove(@Principal() me: VendorPrincipal, @Param() p: ProductIdParam): Promise<void> {
    return this.products.delete(me.vendorId, p.id);
  }
}
