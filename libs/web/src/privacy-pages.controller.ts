import { Body, Controller, Get, Param, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RateLimit, byIp, byParam } from '#libs/common';
import { PRIVACY_LIMITS } from '#libs/privacy';
import type { FormBody } from './form-input.js';
import { PageErrorFilter } from './page-error.filter.js';
import { page, sendPage } from './page-response.js';
import { SameOriginFormGuard } from './page-session.guard.js';
import { MessagePage } from './pages.js';
import { PrivacyPages } from './privacy-pages.service.js';
import { PrivacyReportPdfParam, PrivacyTokenParam } from './web.dto.js';

const HOUR = 3600;
const HTML = { 'text/html': { schema: { type: 'string' } } };
const PAGE = { status: 200, description: 'The page', content: HTML };
const GONE = { status: 404, description: 'The link is unknown, used or expired (page)', content: HTML };
const REFUSED = { status: 403, description: 'Posted from another site (`form_refused`)', content: HTML };
const JSON_FILE = {
  status: 200,
  description: 'Everything held about the address, as a JSON file (attachment)',
  content: { 'application/json': { schema: { type: 'object' as const, additionalProperties: true } } },
};
const LOOKUPS = { name: 'privacy-lookup-ip', limit: 300, windowSeconds: HOUR, key: byIp };
const ERASE_FROM_REPORT = {
  name: 'privacy-report-erase',
  limit: 3,
  windowSeconds: HOUR,
  key: byParam('token'),
};

function sendJsonFile(reply: FastifyReply, file: { filename: string; json: string } | null) {
  if (!file) {
    return sendPage(
      reply,
      page(
        MessagePage({
          title: 'This link does not work any more',
          text: 'Ask for a new one.',
          actions: [{ href: '/privacy', label: 'Your data' }],
        }),
        404,
      ),
    );
  }
  return reply
    .status(200)
    .type('application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send(file.json);
}

/**
 * A buyer's rights over their data, as pages: download and delete, confirmed through a one-time
 * link e-mailed to their address (`/privacy`, and the report page's "Your data" section).
 */
@ApiTags('pages')
@Controller('privacy')
@UseFilters(PageErrorFilter)
export class PrivacyPagesController {
  constructor(private readonly pages: PrivacyPages) {}

  @Get()
  @ApiOperation({
    summary: 'Your data: ask for a link to download or delete what is held about your e-mail address',
  })
  @ApiResponse(PAGE)
  start(@Res() reply: FastifyReply) {
    return sendPage(reply, this.pages.start());
  }

  @Post('request')
  @UseGuards(SameOriginFormGuard)
  @RateLimit(PRIVACY_LIMITS.byIp, ...PRIVACY_LIMITS.byEmail)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      properties: { email: { type: 'string', format: 'email' } },
      required: ['email'],
    },
  })
  @ApiOperation({ summary: 'E-mail the one-time link (the same page whether or not the address is known)' })
  @ApiResponse(PAGE)
  @ApiResponse({ status: 422, description: 'Not an e-mail address (the form again)', content: HTML })
  @ApiResponse(REFUSED)
  async request(@Body() body: FormBody, @Res() reply: FastifyReply) {
    return sendPage(reply, await this.pages.request(body));
  }

  @Get('report/:token/export')
  @RateLimit(LOOKUPS)
  @ApiOperation({
    summary: 'From a report page: download the data of the address the report was bought with',
  })
  @ApiResponse(JSON_FILE)
  @ApiResponse(GONE)
  async exportFromReport(@Param() p: PrivacyTokenParam, @Res() reply: FastifyReply) {
    return sendJsonFile(reply, await this.pages.exportFromReport(p.token));
  }

  @Post('report/:token/erase')
  @UseGuards(SameOriginFormGuard)
  @RateLimit(LOOKUPS, ERASE_FROM_REPORT)
  @ApiOperation({
    summary: 'From a report page: e-mail the deletion link to the address the report was bought with',
  })
  @ApiResponse(PAGE)
  @ApiResponse({ status: 404, description: 'Unknown report link (page)', content: HTML })
  @ApiResponse(REFUSED)
  async eraseFromReport(@Param() p: PrivacyTokenParam, @Res() reply: FastifyReply) {
    return sendPage(reply, await this.pages.requestFromReport(p.token));
  }

  @Get('requests/:token')
  @RateLimit(LOOKUPS)
  @ApiOperation({ summary: 'The e-mailed link: what is held, downloads, and the delete button' })
  @ApiResponse(PAGE)
  @ApiResponse(GONE)
  async requestPage(@Param() p: PrivacyTokenParam, @Res() reply: FastifyReply) {
    return sendPage(reply, await this.pages.requestPage(p.token));
  }

  @Get('requests/:token/export')
  @RateLimit(LOOKUPS)
  @ApiOperation({ summary: 'Everything held about the address, as a JSON file' })
  @ApiResponse(JSON_FILE)
  @ApiResponse(GONE)
  async exportFile(@Param() p: PrivacyTokenParam, @Res() reply: FastifyReply) {
    return sendJsonFile(reply, await this.pages.exportFile(p.token));
  }

  @Get('requests/:token/reports/:id/pdf')
  @RateLimit(LOOKUPS)
  @ApiOperation({ summary: 'One of the address’s reports, as PDF' })
  @ApiResponse({
    status: 200,
    description: 'The PDF',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse(GONE)
  async reportPdf(@Param() p: PrivacyReportPdfParam, @Res() reply: FastifyReply) {
    const pdf = await this.pages.reportPdf(p.token, p.id);
    if (!pdf)
      return sendPage(
        reply,
        page(MessagePage({ title: 'Not found', text: 'No such report for this link.' }), 404),
      );
    return reply
      .type('application/pdf')
      .header('content-disposition', 'attachment; filename="nutrition-report.pdf"')
      .header('cache-control', 'no-store')
      .send(pdf);
  }

  @Post('requests/:token/erase')
  @UseGuards(SameOriginFormGuard)
  @RateLimit(LOOKUPS)
  @ApiOperation({ summary: 'Delete everything held about the address (the link is used up)' })
  @ApiResponse(PAGE)
  @ApiResponse(GONE)
  @ApiResponse(REFUSED)
  async erase(@Param() p: PrivacyTokenParam, @Res() reply: FastifyReply) {
    return sendPage(reply, await this.pages.erase(p.token));
  }
}
