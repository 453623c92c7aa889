import {
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiSecurity,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentSession, SessionGuard, bySessionId, type SessionRow } from '#libs/calculator';
import { AppError, LateRateLimitGuard, RateLimit, RawBody, SkipIdempotency, byIp } from '#libs/common';
import { checkoutCancelledPage, checkoutPageCsp, returnPage, sandboxCheckoutPage } from './checkout-pages.js';
import {
  CheckoutDto,
  CheckoutIdParam,
  CheckoutReturnQuery,
  SandboxPaymentView,
  SandboxRefundDto,
  CheckoutView,
  SandboxPaidView,
  WebhookReceivedView,
  VerifiedPaymentView,
  VerifyDto,
} from './payments.dto.js';
import { PaymentsService } from './payments.service.js';

const HTML = { 'text/html': { schema: { type: 'string' } } };
const LOCATION = { Location: { schema: { type: 'string' }, description: 'Where to go next' } };

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
  @UseGuards(SessionGuard, LateRateLimitGuard)
  @RateLimit({ name: 'payment-verify', limit: 5, windowSeconds: 3600, key: bySessionId, late: true })
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
}

/**
 * The sandbox provider's routes: its payment page and what Stripe's side would do (pay, refund,
 * dispute). Registered only when the sandbox takes payments (payments on, no Stripe key, and not
 * production unless PAYMENTS_ALLOW_SANDBOX) — otherwise they do not exist, so nobody can make a free
 * "payment" or refund a real report through them.
 */
@ApiTags('payments')
@Controller()
export class SandboxPaymentsController {
  constructor(private readonly payments: PaymentsService) {}

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

  /** The sandbox's payment page (checkout_url): what is bought, Pay and Cancel. */
  @Get('payments/sandbox/:checkout_session_id')
  @ApiOperation({
    summary: 'Sandbox mode only: the payment page at checkout_url (HTML; Pay and Cancel buttons)',
  })
  @ApiResponse({ status: 200, description: 'The page', content: HTML })
  @ApiNotFoundResponse({ description: '`not_found`, or `sandbox_disabled`' })
  async sandboxCheckout(@Param() params: CheckoutIdParam, @Res() reply: FastifyReply) {
    const { state, tier } = await this.payments.sandboxCheckout(params.checkout_session_id);
    const urls = this.payments.returnUrls(params.checkout_session_id);
    return sendPage(reply, 200, sandboxCheckoutPage(params.checkout_session_id, state, tier), [
      urls.success,
      urls.cancel,
    ]);
  }

  @Post('payments/sandbox/:checkout_session_id/refund')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Sandbox mode only: refund a paid checkout (all, or amount_cents), as Stripe would (full refund → the report answers 410 report_refunded)',
  })
  @ApiOkResponse({ type: SandboxPaymentView })
  @ApiNotFoundResponse({ description: '`not_found`, or `sandbox_disabled`' })
  @ApiConflictResponse({ description: '`payment_not_completed`' })
  sandboxRefund(@Param() params: CheckoutIdParam, @Body() dto: SandboxRefundDto) {
    return this.payments.sandboxRefund(params.checkout_session_id, dto.amount_cents);
  }

  @Post('payments/sandbox/:checkout_session_id/dispute')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sandbox mode only: the buyer disputes a paid checkout (the report answers 410 report_disputed)',
  })
  @ApiOkResponse({ type: SandboxPaymentView })
  @ApiNotFoundResponse({ description: '`not_found`, or `sandbox_disabled`' })
  @ApiConflictResponse({ description: '`payment_not_completed`' })
  sandboxDispute(@Param() params: CheckoutIdParam) {
    return this.payments.sandboxDispute(params.checkout_session_id);
  }

  @Post('payments/sandbox/:checkout_session_id/pay')
  @SkipIdempotency()
  @ApiOperation({ summary: "Sandbox mode only: the page's Pay button — pays, then 303 to the success URL" })
  @ApiResponse({ status: 303, description: 'To PAYMENT_SUCCESS_URL with the checkout id', headers: LOCATION })
  @ApiNotFoundResponse({ description: '`not_found`, or `sandbox_disabled`' })
  async sandboxPay(@Param() params: CheckoutIdParam, @Res() reply: FastifyReply) {
    await this.payments.completeSandbox(params.checkout_session_id);
    return reply
      .status(303)
      .header('location', this.payments.returnUrls(params.checkout_session_id).success)
      .send();
  }

  @Post('payments/sandbox/:checkout_session_id/cancel')
  @SkipIdempotency()
  @ApiOperation({ summary: "Sandbox mode only: the page's Cancel button — 303 to the cancel URL" })
  @ApiResponse({ status: 303, description: 'To PAYMENT_CANCEL_URL', headers: LOCATION })
  @ApiNotFoundResponse({ description: '`not_found`, or `sandbox_disabled`' })
  async sandboxCancel(@Param() params: CheckoutIdParam, @Res() reply: FastifyReply) {
    await this.payments.sandboxCheckout(params.checkout_session_id);
    return reply
      .status(303)
      .header('location', this.payments.returnUrls(params.checkout_session_id).cancel)
      .send();
  }
}

/**
 * Where checkout returns (outside /api/v1, for people in a browser): the default
 * PAYMENT_SUCCESS_URL and PAYMENT_CANCEL_URL, for Stripe and the sandbox alike.
 */
@ApiTags('payments')
@Controller('calculator')
export class CheckoutReturnController {
  constructor(private readonly payments: PaymentsService) {}

  @Get('paid')
  @RateLimit({ name: 'checkout-return', limit: 30, windowSeconds: 3600, key: byIp })
  @ApiOperation({
    summary:
      'Return from checkout: confirms the payment with the provider, then 303 to the report page (once per checkout, within an hour)',
  })
  @ApiResponse({
    status: 303,
    description: 'To /r/{token}, the report (a progress page while it is written)',
    headers: LOCATION,
  })
  @ApiResponse({ status: 404, description: 'Unknown checkout (page)', content: HTML })
  @ApiResponse({
    status: 409,
    description: 'Not paid yet, or the link was used already (page)',
    content: HTML,
  })
  async paid(@Query() q: CheckoutReturnQuery, @Res() reply: FastifyReply) {
    const urls = this.payments.returnUrls(q.checkout_session_id);
    try {
      const result = await this.payments.returnFromCheckout(q.checkout_session_id);
      if ('used' in result) return sendPage(reply, 409, returnPage('used'), [urls.success]);
      return reply
        .status(303)
        .header('location', `/r/${result.token}`)
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-store')
        .send();
    } catch (err) {
      if (err instanceof AppError && err.status === 404)
        return sendPage(reply, 404, returnPage('unknown'), []);
      if (err instanceof AppError && err.code === 'payment_not_completed') {
        return sendPage(reply, 409, returnPage('unpaid'), []);
      }
      throw err;
    }
  }

  @Get('checkout-cancelled')
  @ApiOperation({ summary: 'Return from a cancelled checkout (page)' })
  @ApiResponse({ status: 200, description: 'Nothing was charged', content: HTML })
  cancelled(@Res() reply: FastifyReply) {
    return sendPage(reply, 200, checkoutCancelledPage(), []);
  }
}

function sendPage(reply: FastifyReply, status: number, html: string, returnUrls: string[]) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', checkoutPageCsp(returnUrls))
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .send(html);
}
