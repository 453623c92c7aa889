import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdempotencyRequired, ReplayPolicy } from '#libs/common';
import { ApiKeysService } from './api-keys.service.js';
import { ROLES, type VendorPrincipal } from './auth/principal.js';
import { Principal, VendorAuth } from './auth/vendor-auth.guard.js';
import {
  ApiKeyView,
  CreateApiKeyDto,
  IssuedApiKeyView,
  UpdateApiKeyDto,
  VendorIdParam,
} from './vendors.dto.js';
import { apiKeyView, issuedKeyView } from './views.js';

@ApiTags('vendor api keys')
@VendorAuth(ROLES.admin)
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ReplayPolicy({ secret: true })
  @IdempotencyRequired()
  @ApiOperation({ summary: 'Create an API key (vendor admins); the secret is in this response only' })
  @ApiCreatedResponse({ type: IssuedApiKeyView })
  create(@Principal() me: VendorPrincipal, @Body() dto: CreateApiKeyDto): Promise<IssuedApiKeyView> {
    return this.keys.issue(me, me.vendorId, dto).then(issuedKeyView);
  }

  @Get()
  @ApiOperation({ summary: "The vendor's API keys (never the secrets)" })
  @ApiOkResponse({ type: [ApiKeyView] })
  list(@Principal() me: VendorPrincipal): Promise<ApiKeyView[]> {
    return this.keys.list(me.vendorId).then((keys) => keys.map(apiKeyView));
  }

  @Patch(':id')
  @IdempotencyRequired()
  @ApiOperation({ summary: 'Rename a key or change its role (audited)' })
  @ApiOkResponse({ type: ApiKeyView })
  @ApiNotFoundResponse({ description: '`api_key_not_found`' })
  @ApiConflictResponse({ description: '`api_key_revoked`' })
  update(
    @Principal() me: VendorPrincipal,
    @Param() p: VendorIdParam,
    @Body() dto: UpdateApiKeyDto,
  ): Promise<ApiKeyView> {
    return this.keys.update(me, me.vendorId, p.id, dto).then(apiKeyView);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke a key: the next request with it is refused (audited)' })
  @ApiOkResponse({ type: ApiKeyView })
  @ApiNotFoundResponse({ description: '`api_key_not_found`' })
  revoke(@Principal() me: VendorPrincipal, @Param() p: VendorIdParam): Promise<ApiKeyView> {
    return this.keys.revoke(me, me.vendorId, p.id).then(apiKeyView);
  }
}
