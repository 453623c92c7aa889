import { ArgumentsHost, Catch, ExceptionFilter, Logger, Optional } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthFailureLimiter } from '../rate-limit/auth-failures.js';
import { AppError } from './app-error.js';
import { renderError } from './error-response.js';

/**
 * The one place where exceptions become HTTP responses (through the Fastify reply). A failed
 * authentication is counted on its way out (AuthFailureLimiter); the one that crosses a limit is
 * answered 429 instead of 401.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(@Optional() private readonly authFailures?: AuthFailureLimiter) {}

  catch(exception: unknown, host: ArgumentsHost): void | Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (this.authFailures && exception instanceof AppError && exception.status === 401) {
      return this.authFailures
        .recordIfFailure(request, exception)
        .catch(() => null) // the bookkeeping store being down must not turn a 401 into a 500
        .then((instead) => sendError(instead ?? exception, request, reply, this.logger));
    }
    sendError(exception, request, reply, this.logger);
  }
}

export function sendError(
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Pick<Logger, 'error'>,
): void {
  const rendered = renderError(exception, String(request.id));
  if (rendered.status >= 500) logger.error({ msg: 'request failed', err: exception, request_id: request.id });
  if (reply.sent) return;
  reply.status(rendered.status).headers(rendered.headers).send(rendered.body);
}
