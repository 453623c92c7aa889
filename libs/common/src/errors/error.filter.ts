import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderError } from './error-response.js';

/** The one place where exceptions become HTTP responses (through the Fastify reply). */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
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
