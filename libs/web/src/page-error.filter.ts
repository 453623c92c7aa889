import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderError } from '#libs/common';
import { NoPageSession } from './page-session.guard.js';
import { page, redirect, sendPage } from './page-response.js';
import { MessagePage } from './pages.js';

const TITLES: Record<number, [string, string]> = {
  400: ['This request could not be read', 'Go back and try again.'],
  403: ['This form could not be accepted', 'Go back, reload the page and send it again.'],
  404: ['Page not found', 'There is nothing at this address.'],
  429: ['Too many attempts', 'Please wait a while and try again.'],
  503: ['Temporarily unavailable', 'We could not reach our database. Please try again in a moment.'],
};

/**
 * Errors on the pages become pages: the same status and headers as the API's error (Retry-After
 * on 429 and 503), a message a person can act on, and no session → the calculator's start.
 */
@Catch()
export class PageErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (reply.sent) return;
    if (exception instanceof NoPageSession) {
      void sendPage(reply, redirect('/calculator'));
      return;
    }
    const rendered = renderError(exception, String(req.id));
    if (rendered.status >= 500)
      this.logger.error({ msg: 'request failed', err: exception, request_id: req.id });
    const body = rendered.body as { error?: { message?: string } };
    const [title, fallback] = TITLES[rendered.status] ?? [
      'Something went wrong',
      `It was logged (request ${String(req.id)}). Please try again.`,
    ];
    const text =
      rendered.status < 500 && rendered.status !== 404 ? (body.error?.message ?? fallback) : fallback;
    reply.headers(rendered.headers);
    void sendPage(
      reply,
      page(
        MessagePage({ title, text, actions: [{ href: '/calculator', label: 'Back to the calculator' }] }),
        rendered.status,
      ),
    );
  }
}
