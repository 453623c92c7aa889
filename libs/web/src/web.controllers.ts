import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LateRateLimitGuard, RateLimit, byIp, byBodyField, type RateLimitRule } from '#libs/common';
import { CALCULATOR_LIMITS, CalculatorService } from '#libs/calculator';
import { AppConfig } from '#libs/config';
import { DevMailbox } from '#libs/mail';
import { readSessionCookie } from './calculator-cookie.js';
import { CalculatorPages } from './calculator-pages.service.js';
import type { FormBody } from './form-input.js';
import { page, sendPage } from './page-response.js';
import { PageErrorFilter } from './page-error.filter.js';
import {
  CurrentPageSession,
  PageSessionGuard,
  SameOriginFormGuard,
  type PageSession,
} from './page-session.guard.js';
import { DevMailList, DevMailMessage, LandingPage, MessagePage } from './pages.js';
import { DevMailParam, ResumeLinkQuery, StepParam, UnitsQuery } from './web.dto.js';

const HOUR = 3600;
const HTML = { 'text/html': { schema: { type: 'string' } } };
const LOCATION = { Location: { schema: { type: 'string' }, description: 'The next page' } };
const PAGE = { status: 200, description: 'The page', content: HTML };
const SEE_OTHER = { status: 303, description: 'Post/Redirect/Get: the next page', headers: LOCATION };
const INVALID = { status: 422, description: 'The form again, each problem beside its field', content: HTML };
const REFUSED = {
  status: 403,
  description: 'Posted from another site, or without the form token of the session cookie (`form_refused`)',
  content: HTML,
};
const FORM = 'application/x-www-form-urlencoded';
const form = (properties: Record<string, object>, required: string[] = []) => ({
  schema: { type: 'object' as const, properties, required },
});
const CSRF = {
  _csrf: { type: 'string', description: 'The form token the page rendered (from the session cookie)' },
};

/** Step 4's limit (3 per hour per session) on the page too: the same counter as the API's route. */
const STEP4_PAGE: RateLimitRule = {
  ...CALCULATOR_LIMITS.step4,
  key: (req) => ((req.params as { n?: string }).n === '4' ? CALCULATOR_LIMITS.step4.key(req) : undefined),
};
const REPORT_LINK_LIMITS: RateLimitRule[] = [
  { name: 'report-link-ip', limit: 10, windowSeconds: HOUR, key: byIp },
  { name: 'report-link-email', limit: 3, windowSeconds: HOUR, key: byBodyField('email') },
];

@ApiTags('pages')
@Controller()
@UseFilters(PageErrorFilter)
export class LandingController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @ApiOperation({ summary: 'The landing page: what this is, the calculator, links for developers' })
  @ApiResponse(PAGE)
  landing(@Res() reply: FastifyReply) {
    return sendPage(reply, page(LandingPage({ devMail: DevMailbox.enabled(this.config) })), { index: true });
  }
}

/**
 * The calculator as pages (no script needed): the session is an HttpOnly cookie scoped to
 * /calculator; every form post is same-origin and carries the session's form token.
 */
@ApiTags('pages')
@Controller('calculator')
@UseFilters(PageErrorFilter)
export class CalculatorPagesController {
  constructor(
    private readonly pages: CalculatorPages,
    private readonly calculator: CalculatorService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The calculator: start, or continue the session in this browser’s cookie' })
  @ApiResponse(PAGE)
  async start(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const cookie = readSessionCookie(req);
    const row = cookie ? await this.calculator.authenticate(cookie.token, cookie.id) : null;
    return sendPage(reply, this.pages.start(row && cookie ? { row, token: cookie.token } : null));
  }

  @Post('start')
  @UseGuards(SameOriginFormGuard)
  @RateLimit(CALCULATOR_LIMITS.sessionCreate)
  @ApiOperation({ summary: 'Start a calculator session: sets the session cookie, 303 to step 1' })
  @ApiResponse(SEE_OTHER)
  @ApiResponse(REFUSED)
  async begin(@Res() reply: FastifyReply) {
    return sendPage(reply, await this.pages.begin());
  }

  @Get('resume')
  @RateLimit({ name: 'calculator-resume-open', limit: 60, windowSeconds: HOUR, key: byIp })
  @ApiOperation({
    summary: 'The e-mailed resume link: trades the token for the session cookie, 303 to the saved step',
  })
  @ApiResponse(SEE_OTHER)
  @ApiResponse({ status: 404, description: 'Unknown or expired link (page)', content: HTML })
  async resume(@Query() q: ResumeLinkQuery, @Res() reply: FastifyReply) {
    return sendPage(reply, await this.pages.resume(q.session_id, q.session_token));
  }

  @Post('resume-link')
  @UseGuards(SameOriginFormGuard)
  @RateLimit(CALCULATOR_LIMITS.resumeByIp, CALCULATOR_LIMITS.resumeByEmail)
  @ApiConsumes(FORM)
  @ApiBody(form({ email: { type: 'string', format: 'email' } }, ['email']))
  @ApiOperation({ summary: 'E-mail a resume link (the same page whether or not the address is known)' })
  @ApiResponse(PAGE)
  @ApiResponse(INVALID)
  @ApiResponse(REFUSED)
  async resumeLink(@Body() body: FormBody, @Res() reply: FastifyReply) {
    return sendPage(reply, await this.pages.requestResumeLink(body));
  }

  @Get('steps/:n')
  @UseGuards(PageSessionGuard)
  @ApiOperation({
    summary: 'A step’s form, filled with the saved answers (303 to /calculator without a session)',
  })
  @ApiResponse(PAGE)
  @ApiResponse(SEE_OTHER)
  step(
    @Param() p: StepParam,
    @Query() q: UnitsQuery,
    @CurrentPageSession() s: PageSession,
    @Res() reply: FastifyReply,
  ) {
    return sendPage(reply, this.pages.stepForm(s, p.n, q.units));
  }

  @Post('steps/:n')
  @UseGuards(PageSessionGuard, LateRateLimitGuard)
  @RateLimit(STEP4_PAGE)
  @ApiConsumes(FORM)
  @ApiBody(form({ ...CSRF, units: { type: 'string', enum: ['metric', 'imperial'] } }, ['_csrf']))
  @ApiOperation({
    summary: 'Submit a step (the fields of GET /api/v1/calculator/questions): 303 to the next page',
  })
  @ApiResponse(SEE_OTHER)
  @ApiResponse(INVALID)
  @ApiResponse(REFUSED)
  async submit(
    @Param() p: StepParam,
    @CurrentPageSession() s: PageSession,
    @Body() body: FormBody,
    @Res() reply: FastifyReply,
  ) {
    return sendPage(reply, await this.pages.submitStep(s, p.n, body));
  }

  @Post('steps/:n/later')
  @UseGuards(PageSessionGuard)
  @RateLimit(CALCULATOR_LIMITS.resumeByIp, CALCULATOR_LIMITS.resumeByEmail)
  @ApiConsumes(FORM)
  @ApiBody(form({ ...CSRF, email: { type: 'string', format: 'email' } }, ['_csrf', 'email']))
  @ApiOperation({ summary: 'Finish later: save the step as a draft and e-mail a resume link' })
  @ApiResponse(PAGE)
  @ApiResponse(INVALID)
  @ApiResponse(REFUSED)
  async later(
    @Param() p: StepParam,
    @CurrentPageSession() s: PageSession,
    @Body() body: FormBody,
    @Res() reply: FastifyReply,
  ) {
    return sendPage(reply, await this.pages.saveForLater(s, p.n, body));
  }

  @Get('targets')
  @UseGuards(PageSessionGuard)
  @ApiOperation({ summary: 'The daily targets (calories and macros) computed at step 3' })
  @ApiResponse(PAGE)
  @ApiResponse(SEE_OTHER)
  targets(@CurrentPageSession() s: PageSession, @Res() reply: FastifyReply) {
    return sendPage(reply, this.pages.targets(s));
  }

  @Get('tier')
  @UseGuards(PageSessionGuard)
  @ApiOperation({ summary: 'Choose a report: the tiers with prices and contents from the database' })
  @ApiResponse(PAGE)
  @ApiResponse(SEE_OTHER)
  async tier(@CurrentPageSession() s: PageSession, @Res() reply: FastifyReply) {
    return sendPage(reply, await this.pages.tierForm(s));
  }

  @Post('checkout')
  @UseGuards(PageSessionGuard)
  @ApiConsumes(FORM)
  @ApiBody(form({ ...CSRF, tier: { type: 'string' } }, ['_csrf', 'tier']))
  @ApiOperation({ summary: 'Check out the chosen tier: 303 to the payment page (Stripe or the sandbox)' })
  @ApiResponse(SEE_OTHER)
  @ApiResponse(INVALID)
  @ApiResponse(REFUSED)
  async checkout(@CurrentPageSession() s: PageSession, @Body() body: FormBody, @Res() reply: FastifyReply) {
    return sendPage(reply, await this.pages.checkout(s, body));
  }

  @Post('report-link')
  @UseGuards(SameOriginFormGuard)
  @RateLimit(...REPORT_LINK_LIMITS)
  @ApiConsumes(FORM)
  @ApiBody(form({ email: { type: 'string', format: 'email' } }, ['email']))
  @ApiOperation({
    summary: 'E-mail new links to the reports an address bought (the same page whether or not it bought one)',
  })
  @ApiResponse(PAGE)
  @ApiResponse(INVALID)
  @ApiResponse(REFUSED)
  async reportLink(@Body() body: FormBody, @Res() reply: FastifyReply) {
    return sendPage(reply, await this.pages.requestReportLink(body));
  }
}

/** Development only (no SMTP_URL, not production): the outbox as a mailbox, links clickable. */
@ApiTags('pages')
@Controller('dev/mail')
@UseFilters(PageErrorFilter)
export class DevMailController {
  constructor(private readonly mailbox: DevMailbox) {}

  @Get()
  @ApiOperation({ summary: 'Development only: the mail that would have been sent (newest 50)' })
  @ApiResponse(PAGE)
  async list(@Res() reply: FastifyReply) {
    return sendPage(reply, page(DevMailList({ messages: await this.mailbox.recent() })));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Development only: one message, its links clickable' })
  @ApiResponse(PAGE)
  @ApiResponse({ status: 404, description: 'No such message (page)', content: HTML })
  async one(@Param() p: DevMailParam, @Res() reply: FastifyReply) {
    const message = await this.mailbox.find(p.id);
    if (!message)
      return sendPage(
        reply,
        page(MessagePage({ title: 'No such message', text: 'It may have been purged.' }), 404),
      );
    return sendPage(reply, page(DevMailMessage({ message })));
  }
}
