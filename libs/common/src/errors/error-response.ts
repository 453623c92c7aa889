import { HttpException } from '@nestjs/common';
import { DatabaseUnavailable, isDatabaseUnavailable } from '#libs/db';
import { AppError, StoredResponse, type ErrorDetail } from './app-error.js';

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
  request_id: string;
}

export interface RenderedError {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  410: 'gone',
  411: 'length_required',
  412: 'precondition_failed',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'rate_limited',
  500: 'internal_error',
  501: 'not_implemented',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

/** Fastify's own errors (body parsing, limits) carry `statusCode` and an `FST_…` code. */
const FASTIFY_CODES: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request' },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    message: 'The request body is too large',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The JSON body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The body is not valid JSON' },
};

function body(requestId: string, code: string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details }, request_id: requestId };
}

/** Maps any thrown value to the one error shape; 5xx never leaks internals. */
export function renderError(exception: unknown, requestId: string): RenderedError {
  if (exception instanceof StoredResponse) {
    return {
      status: exception.status,
      body: exception.json,
      headers: exception.json
        ? { ...exception.headers, 'content-type': 'application/json; charset=utf-8' }
        : exception.headers,
    };
  }
  if (exception instanceof AppError) {
    return {
      status: exception.status,
      body: body(requestId, exception.code, exception.message, exception.details),
      headers: exception.headers,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    let message = exception.message;
    if (typeof response === 'object' && response !== null && 'message' in response) {
      const m = (response as { message: unknown }).message;
      message = Array.isArray(m) ? m.join('; ') : String(m);
    }
    if (status >= 500) return internal(requestId, status);
    // Nest's raw-body JSON parser reports malformed bodies as a plain 400.
    const code =
      status === 400 && /not valid JSON/i.test(message)
        ? 'invalid_json'
        : (CODE_BY_STATUS[status] ?? 'error');
    return { status, body: body(requestId, code, message), headers: {} };
  }
  const fastify = exception as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof fastify?.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    const known = typeof fastify.code === 'string' ? FASTIFY_CODES[fastify.code] : undefined;
    const status = known?.status ?? fastify.statusCode;
    const isJsonSyntax = exception instanceof SyntaxError;
    const code = known?.code ?? (isJsonSyntax ? 'invalid_json' : (CODE_BY_STATUS[status] ?? 'bad_request'));
    const message =
      known?.message ??
      (isJsonSyntax ? 'The body is not valid JSON' : String(fastify.message ?? 'Bad request'));
    return { status, body: body(requestId, code, message), headers: {} };
  }
  if (isDatabaseUnavailable(exception)) {
    // a starved pool or a restarting database: the client should come back, not give up
    const retry = exception instanceof DatabaseUnavailable ? exception.retryAfterSeconds : 2;
    return {
      status: 503,
      body: body(requestId, 'database_unavailable', 'The database is busy or restarting; try again shortly'),
      headers: { 'retry-after': String(retry) },
    };
  }
  return internal(requestId, 500);
}

function internal(requestId: string, status: number): RenderedError {
  const code = CODE_BY_STATUS[status] ?? 'internal_error';
  return { status, body: body(requestId, code, 'Internal server error'), headers: {} };
}
