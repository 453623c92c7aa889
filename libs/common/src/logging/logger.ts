import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '#libs/config';

/** Path segments that carry a capability token (matched on the decoded path); never logged. */
const TOKEN_PATHS = [
  /^(\/+r\/+)[^/]+/i,
  /^(\/+api\/+v1\/+reports\/+)[^/]+/i,
  /^(\/+api\/+v1\/+calculator\/+resume\/+)[^/]+/i,
];
/** Any segment shaped like one of our tokens (32+ URL-safe characters that are not a UUID). */
const TOKEN_SHAPED = /^[A-Za-z0-9_-]{32,}$/;
const UUID_SHAPED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const decodeSegment = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/**
 * The URL as logged: the path decoded first (the router decodes it too, so `/api/v1/%72eports/…`
 * reaches the reports route and must be redacted like it), then token segments replaced.
 */
export function redactUrl(url: string): string {
  const at = url.search(/[?#]/);
  const rawPath = at === -1 ? url : url.slice(0, at);
  const query = at === -1 ? '' : url.slice(at);
  let path = rawPath
    .split('/')
    .map(decodeSegment)
    .map((seg) => (TOKEN_SHAPED.test(seg) && !UUID_SHAPED.test(seg) ? '[redacted]' : seg))
    .join('/');
  for (const re of TOKEN_PATHS) path = path.replace(re, '$1[redacted]');
  return (
    path +
    query.replace(/([?&](?:token|access_token|session_token|checkout_session_id)=)[^&#]*/gi, '$1[redacted]')
  );
}

export const REDACTED_HEADERS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-session-token"]',
  'req.headers["x-admin-key"]',
  'req.headers["idempotency-key"]',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
];

const QUIET = new Set(['/health', '/health/ready', '/metrics']);

/** JSON logs (pino) with the request id on every line; tokens and secrets redacted. */
export function loggerModule(config: AppConfig) {
  return LoggerModule.forRoot({
    // Nest's Fastify adapter mounts this under the api prefix only: the api app logs the routes
    // outside it (/r/:token) with a hook of its own, in the same shape.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.log.level,
      genReqId: (req: IncomingMessage & { id?: unknown }) => String(req.id),
      customAttributeKeys: { reqId: 'request_id' },
      redact: { paths: REDACTED_HEADERS, censor: '[redacted]' },
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: {
        ignore: (req: IncomingMessage & { originalUrl?: string }) =>
          QUIET.has(req.originalUrl ?? req.url ?? ''),
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    },
  });
}
