import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IdempotencyRequired, ReplayPolicy } from '#libs/common';
import { Principal, ROLES, VendorAuth, type VendorPrincipal } from '#libs/vendors';
import {
  CreateEndpointDto,
  DeliveriesQueryDto,
  DeliveryPageView,
  EndpointView,
  EndpointWithSecretView,
  IdParam,
  ReplayView,
  TestEventView,
  UpdateEndpointDto,
} from './webhooks.dto.js';
import { WebhooksService } from './webhooks.service.js';
import { deliveryView, endpointView } from './views.js';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('endpoints')
  @ReplayPolicy({ secret: true })
  @VendorAuth(ROLES.admin)
  @IdempotencyRequired()
  @ApiOperation({ summary: 'Register an endpoint; the signing secret (whsec_…) is in this response only' })
  @ApiCreatedResponse({ type: EndpointWithSecretView })
  @ApiUnprocessableEntityResponse({
    description: '`invalid_webhook_url` (not https, private/loopback address, …)',
  })
  create(@Principal() me: VendorPrincipal, @Body() dto: CreateEndpointDto): Promise<EndpointWithSecretView> {
    return this.webhooks
      .create(me, me.vendorId, dto)
      .then((r) => ({ ...endpointView(r.endpoint), secret: r.secret }));
  }

  @Get('endpoints')
  @VendorAuth(ROLES.read)
  @ApiOperation({ summary: "The vendor's endpoints (never the secrets)" })
  @ApiOkResponse({ type: [EndpointView] })
  list(@Principal() me: VendorPrincipal): Promise<EndpointView[]> {
    return this.webhooks.list(me.vendorId).then((rows) => rows.map(endpointView));
  }

  @Get('endpoints/:id')
  @VendorAuth(ROLES.read)
  @ApiOperation({ summary: 'One endpoint' })
  @ApiOkResponse({ type: EndpointView })
  @ApiNotFoundResponse({ description: '`webhook_endpoint_not_found`' })
  get(@Principal() me: VendorPrincipal, @Param() p: IdParam): Promise<EndpointView> {
    return this.webhooks.get(me.vendorId, p.id).then(endpointView);
  }

  @Patch('endpoints/:id')
  @VendorAuth(ROLES.admin)
  @IdempotencyRequired()
  @ApiOperation({ summary: 'Change url, events, description, or enable/disable' })
  @ApiOkResponse({ type: EndpointView })
  @ApiNotFoundResponse({ description: '`webhook_endpoint_not_found`' })
  @ApiUnprocessableEntityResponse({ description: '`invalid_webhook_url`' })
  update(
    @Principal() me: VendorPrincipal,
    @Param() p: IdParam,
    @Body() dto: UpdateEndpointDto,
  ): Promise<EndpointView> {
    return this.webhooks.update(me, me.vendorId, p.id, dto).then(endpointView);
  }

  @Delete('endpoints/:id')
  @HttpCode(204)
  @VendorAuth(ROLES.admin)
  @ApiOperation({ summary: 'Delete an endpoint (its deliveries and secrets go with it)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: '`webhook_endpoint_not_found`' })
  remove(@Principal() me: VendorPrincipal, @Param() p: IdParam): Promise<void> {
    return this.webhooks.remove(me, me.vendorId, p.id);
  }

  @Post('endpoints/:id/rotate-secret')
  @ReplayPolicy({ secret: true })
  @VendorAuth(ROLES.admin)
  @IdempotencyRequired()
  @ApiOperation({ summary: 'New secret (shown once); the old one keeps signing beside it for 24 h' })
  @ApiCreatedResponse({ type: EndpointWithSecretView })
  @ApiNotFoundResponse({ description: '`webhook_endpoint_not_found`' })
  rotate(@Principal() me: VendorPrincipal, @Param() p: IdParam): Promise<EndpointWithSecretView> {
    return this.webhooks
      .rotateSecret(me, me.vendorId, p.id)
      .then((r) => ({ ...endpointView(r.endpoint), secret: r.secret }));
  }

  @Post('endpoints/:id/test')
  @VendorAuth(ROLES.admin)
  @IdempotencyRequired()
  @ApiOperation({ summary: 'Send a webhook.test event to this endpoint' })
  @ApiCreatedResponse({ type: TestEventView })
  @ApiNotFoundResponse({ description: '`webhook_endpoint_not_found`' })
  test(@Principal() me: VendorPrincipal, @Param() p: IdParam): Promise<TestEventView> {
    return this.webhooks.sendTest(me.vendorId, p.id);
  }

  @Get('deliveries')
  @VendorAuth(ROLES.read)
  @ApiOperation({
    summary: 'Deliveries, newest first, with every attempt (status code, latency) and the next attempt time',
  })
  @ApiOkResponse({ type: DeliveryPageView })
  deliveries(@Principal() me: VendorPrincipal, @Query() q: DeliveriesQueryDto): Promise<DeliveryPageView> {
    return this.webhooks
      .listDeliveries(me.vendorId, q)
      .then((r) => ({ ...r, data: r.data.map(deliveryView) }));
  }

  @Post('deliveries/:id/replay')
  @VendorAuth(ROLES.admin)
  @IdempotencyRequired()
  @ApiOperation({ summary: 'Deliver again (dead letters too), with the same webhook-id' })
  @ApiCreatedResponse({ type: ReplayView })
  @ApiNotFoundResponse({ description: '`delivery_not_found`' })
  replay(@Principal() me: VendorPrincipal, @Param() p: IdParam): Promise<ReplayView> {
    return this.webhooks.replay(me, me.vendorId, p.id);
  }
}
