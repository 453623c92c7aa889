import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExcludeEndpoint,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentSession, SessionGuard, type SessionRow } from '#libs/calculator';
import { RateLimit, RawBody, SkipIdempotency, byHeader } from '#libs/common';
import {
  CheckoutDto,
  CheckoutIdParam,
  CheckoutView,
  SandboxPaidView,
  WebhookReceivedView,
  VerifiedPaymentView,
  VerifyDto,
} from './payments.dto.js';
import { PaymentsService } from './payments.service.js';

@ApiTags('payments')
@Controller()
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('payments/checkout')
  @UseGuards(SessionGuard)
  @ApiSecurity('session')
  @ApiOperation({ summary: 'Start checkout for a tier (step 4 done); amount from the tier table' })
  @ApiCreatedResponse({ type: CheckoutView })
  @ApiConflictResponse({ description: '`steps_incomplete` or `already_paid`' })
  checkout(@CurrentSession() session: SessionRow, @Body() dto: CheckoutDto) {
    return this.payments.checkout(session, dto.tier);
  }

  @Post('calculator/payment/verify')
  @HttpCode(200)
  @UseGuards(SessionGuard)
  @RateLimit({ name: 'payment-verify', limit: 5, windowSeconds: 3600, key: byHeader('x-session-token') })
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'no-referrer')
  @ApiSecurity('session')
  @ApiOperation({
    summary: 'Confirm payment with the provider; returns a report access token (5 per hour per session)',
    description:
      'Idempotent in effect: calling again, or after the webhook, returns a new working token for the same report.',
  })
  @ApiOkResponse({ type: VerifiedPaymentView })
  @ApiNotFoundResponse({ description: '`checkout_not_found`' })
  @ApiConflictResponse({ description: '`payment_not_completed`' })
  @ApiUnprocessableEntityResponse({
    description: '`payment_mismatch`: amount, currency, tier or session differ',
  })
  verify(@CurrentSession() session: SessionRow, @Body() dto: VerifyDto) {
    return this.payments.verify(session, dto.checkout_session_id);
  }

  @Post('payments/webhook')
  @HttpCode(200)
  @SkipIdempotency()
  @ApiOperation({ summary: 'Stripe events (signature checked on the raw body; each event processed once)' })
  @ApiOkResponse({ type: WebhookReceivedView })
  @ApiBadRequestResponse({ description: '`invalid_signature`' })
  webhook(@RawBody() raw: Buffer | undefined, @Headers('stripe-signature') signature: string | undefined) {
    return this.payments.handleWebhook(raw, signature);
  }

  @Post('payments/sandbox/:checkout_session_id/complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sandbox mode only: pay a checkout (as the card form on Stripe would)' })
  @ApiOkResponse({ type: SandboxPaidView })
  @ApiNotFoundResponse({
    description: 'Unknown checkout, or payments are not in sandbox mode (`sandbox_disabled`)',
  })
  completeSandbox(@Param() params: CheckoutIdParam) {
    return this.payments.completeSandbox(params.checkout_session_id);
  }

  @Get('payments/sandbox/:checkout_session_id')
  @ApiExcludeEndpoint()
  sandboxCheckout(@Param() params: CheckoutIdParam) {
    return this.payments.sandboxCheckout(params.checkout_session_id);
  }
}
