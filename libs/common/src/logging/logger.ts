import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '#libs/config';

/** Path segments that carry a capability token; never written to logs. */
const TOKEN_PATHS = [
  /^(\/r\/)[^/?#]+/,
  /^(\/api\/v1\/reports\/)[^/?#]+/,
  /^(\/api\/v1\/calculator\/resume\/)[^/?#]+/,
];

export function redactUrl(url: string): string {
  let out = url;
  for (const re of TOKEN_PATHS) out = out.replace(re, '$1[redacted]');
  return out.replace(/([?&](?:token|access_token|session_token)=)[^&#]*/gi, '$1[redacted]');
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
