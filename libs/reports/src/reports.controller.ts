import { Controller, Get, Header, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimit, byIp, byParam, clientIp, sendSse } from '#libs/common';
import { ReportAccessService, type Viewer } from './access/report-access.service.js';
import { REPORT_CSP } from './document/stylesheet.js';
import { PdfPendingView, RegenerateView, ReportStatusView, ReportView, TokenParam } from './reports.dto.js';

const viewer = (req: FastifyRequest): Viewer => ({
  ip: clientIp(req),
  userAgent: req.headers['user-agent'] ?? null,
});
const HOUR = 3600;
const HTML = { 'text/html': { schema: { type: 'string' } } };
/** Token lookups per client address (guessing), and views per token. */
const LOOKUPS = { name: 'report-lookup-ip', limit: 1000, windowSeconds: HOUR, key: byIp };
const VIEWS = { name: 'report-views', limit: 100, windowSeconds: HOUR, key: byParam('token') };
const POLLS = { name: 'report-polls', limit: 2000, windowSeconds: HOUR, key: byParam('token') };

@ApiTags('reports')
@Controller('reports/:token')
export class ReportsController {
  constructor(private readonly reports: ReportAccessService) {}

  @Get('status')
  @RateLimit(LOOKUPS, POLLS)
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'no-referrer')
  @ApiOperation({ summary: 'Generation status: stage, progress, estimated time remaining' })
  @ApiOkResponse({ type: ReportStatusView })
  @ApiNotFoundResponse({ description: '`report_not_found`' })
  @ApiGoneResponse({
    description:
      '`report_expired` (expired or revoked), `report_refunded`, `report_disputed` or `report_deleted` (erased at the owner’s request)',
  })
  status(@Param() p: TokenParam, @Req() req: FastifyRequest) {
    return this.reports.status(p.token, viewer(req));
  }

  @Get('stream')
  @RateLimit(LOOKUPS, POLLS)
  @ApiOperation({
    summary: 'Server-Sent Events: progress, section, complete, error — each with a durable id',
    description:
      'Send Last-Event-ID to resume. A heartbeat comment every 15 s. The stream ends after `complete`.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id' })
  @ApiResponse({
    status: 200,
    description:
      'An event stream: `event: progress` (data = the status object), `section` ({number, title}; once per section, even across attempts), `attempt` ({attempt}: a retry starts, the stages run again), `complete`, `error` ({code, message}); each `id:` is durable',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiNotFoundResponse({ description: '`report_not_found`' })
  @ApiGoneResponse({
    description: '`report_expired`, `report_refunded`, `report_disputed` or `report_deleted`',
  })
  async stream(
    @Param() p: TokenParam,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @Headers('last-event-id') last?: string,
  ) {
    return sendSse(req, reply, await this.reports.stream(p.token, last ?? null, viewer(req)), {
      'referrer-policy': 'no-referrer',
    });
  }

  @Get('pdf')
  @RateLimit(LOOKUPS, VIEWS)
  @ApiOperation({ summary: 'The report as PDF (latest completed revision)' })
  @ApiResponse({
    status: 200,
    description: 'The PDF',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiAcceptedResponse({ type: PdfPendingView, description: 'Not generated yet' })
  @ApiNotFoundResponse({ description: '`report_not_found`' })
  @ApiGoneResponse({
    description: '`report_expired`, `report_refunded`, `report_disputed` or `report_deleted`',
  })
  async pdf(@Param() p: TokenParam, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const result = await this.reports.pdf(p.token, viewer(req));
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (!result) return reply.status(202).send({ status: 'generating' });
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="nutrition-report-r${result.revision}.pdf"`)
      .send(result.pdf);
  }

  @Post('regenerate')
  @HttpCode(202)
  @RateLimit(LOOKUPS, VIEWS)
  @ApiOperation({ summary: 'Write a new revision from the same inputs (earlier revisions are kept)' })
  @ApiAcceptedResponse({ type: RegenerateView })
  @ApiNotFoundResponse({ description: '`report_not_found`' })
  @ApiGoneResponse({
    description: '`report_expired`, `report_refunded`, `report_disputed` or `report_deleted`',
  })
  @ApiConflictResponse({ description: '`report_generating`: a revision is being written' })
  @ApiForbiddenResponse({ description: '`revisions_exhausted`: the tier’s revisions are used up' })
  regenerate(@Param() p: TokenParam, @Req() req: FastifyRequest) {
    return this.reports.regenerate(p.token, viewer(req));
  }

  @Get()
  @RateLimit(LOOKUPS, VIEWS)
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'no-referrer')
  @ApiOperation({
    summary: 'The report: sections, Markdown and sanitised HTML (202 while the first revision is written)',
  })
  @ApiOkResponse({ type: ReportView })
  @ApiAcceptedResponse({ type: ReportView, description: 'Still generating' })
  @ApiNotFoundResponse({ description: '`report_not_found`' })
  @ApiGoneResponse({
    description: '`report_expired`, `report_refunded`, `report_disputed` or `report_deleted`',
  })
  async get(
    @Param() p: TokenParam,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.reports.json(p.token, viewer(req));
    reply.status(result.ready ? 200 : 202);
    return result.body;
  }
}

/** The report as a web page at /r/:token (outside /api/v1), with a strict CSP. */
@ApiTags('reports')
@Controller('r')
export class ReportPageController {
  constructor(private readonly reports: ReportAccessService) {}

  @Get(':token')
  @RateLimit(LOOKUPS, { ...VIEWS, key: (req) => (req.params as { token?: string }).token })
  @ApiOperation({
    summary: 'The report as a web page; a clear page for unknown (404) and expired (410) links',
  })
  @ApiResponse({ status: 200, description: 'The report page', content: HTML })
  @ApiResponse({
    status: 202,
    description: 'While the report is written: a progress page that refreshes itself into the report',
    content: HTML,
  })
  @ApiResponse({ status: 404, description: 'A page saying the link is unknown', content: HTML })
  @ApiResponse({
    status: 410,
    description: 'A page saying the link has expired, or the report was refunded, disputed or deleted',
    content: HTML,
  })
  async page(@Param('token') token: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const { status, html } = await this.reports.page(token, viewer(req));
    return reply
      .status(status)
      .type('text/html; charset=utf-8')
      .header('content-security-policy', REPORT_CSP)
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .header('x-robots-tag', 'noindex')
      .send(html);
  }
}
