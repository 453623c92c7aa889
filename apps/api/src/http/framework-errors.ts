import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The one error shape, for the answers Fastify and Node's HTTP parser give before any route runs. */
function errorBody(code: string, message: string, requestId: string): string {
  return JSON.stringify({ error: { code, message, details: [] }, request_id: requestId });
}

/**
 * Fastify's own answers to a URL it cannot route — a malformed percent-encoding (400) or a path
 * parameter longer than `maxParamLength` (414) — in the standard error shape, never echoing the URL
 * (its default body quotes the path, which can be a report token or anything an attacker chose).
 */
export function frameworkErrors(
  error: Error & { code?: string },
  req: FastifyRequest,
  reply: FastifyReply,
): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const status = tooLong ? 414 : 400;
  const [code, message] = tooLong
    ? ['uri_too_long', 'A part of the URL is longer than this API accepts']
    : ['bad_request', 'The URL is not valid'];
  void reply
    .status(status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-request-id', String(req.id))
    .send(errorBody(code, message, String(req.id)));
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'The request headers are larger than this API accepts'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request took too long to arrive'],
};

/**
 * Node's HTTP parser refusing a request (headers over the size limit, a timeout, bytes that are not
 * HTTP): answered in the standard error shape, with a request id, and the connection closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? [
    400,
    'bad_request',
    'The request is not valid HTTP',
  ];
  const requestId = randomUUID();
  const body = errorBody(code, message, requestId);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
