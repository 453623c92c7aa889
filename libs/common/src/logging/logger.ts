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

/** Query parameter names whose values are secrets (compared decoded, lower-case, `-` as `_`). */
const SECRET_PARAMS = new Set([
  't',
  'token',
  'access_token',
  'session_token',
  'checkout_session_id',
  'api_key',
  'apikey',
  'key',
  'secret',
  'password',
  'signature',
  'sig',
  'code',
]);
/** Values shaped like a credential, whatever their parameter is called. */
const SECRET_VALUE = [
  /^(vk|sk|rk|pk)_[A-Za-z0-9_-]{6,}/, // our API keys, Stripe keys
  /^(cs|pi|ch|cus|evt)_[A-Za-z0-9_]{6,}/, // checkout sessions (Stripe's and the sandbox's), payments
  /^whsec_/,
  /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/, // a JWT
];

const decodeComponent = (text: string) => decodeSegment(text.replace(/\+/g, ' '));

function isSecretParam(rawName: string, rawValue: string): boolean {
  const name = decodeComponent(rawName).trim().toLowerCase().replace(/-/g, '_');
  if (SECRET_PARAMS.has(name)) return true;
  const value = decodeComponent(rawValue).trim();
  return (TOKEN_SHAPED.test(value) && !UUID_SHAPED.test(value)) || SECRET_VALUE.some((re) => re.test(value));
}

/**
 * The URL as logged: the path decoded first (the router decodes it too, so `/api/v1/%72eports/…`
 * reaches the reports route and must be redacted like it), then token segments replaced; in the
 * query, a parameter is redacted by its name (percent-decoded: `checkout%5Fsession%5Fid` is
 * `checkout_session_id`) or by the shape of its value (an API key, a checkout id, a token, a JWT),
 * whatever it is called.
 */
export function redactUrl(url: string): string {
  const at = url.search(/[?#]/);
  const rawPath = at === -1 ? url : url.slice(0, at);
  const rest = at === -1 ? '' : url.slice(at);
  let path = rawPath
    .split('/')
    .map(decodeSegment)
    .map((seg) => (TOKEN_SHAPED.test(seg) && !UUID_SHAPED.test(seg) ? '[redacted]' : seg))
    .join('/');
  for (const re of TOKEN_PATHS) path = path.replace(re, '$1[redacted]');
  const hash = rest.indexOf('#');
  const query = hash === -1 ? rest : rest.slice(0, hash);
  const redacted = query.replace(
    /([?&;])([^=&;#]*)(=?)([^&;#]*)/g,
    (_all, sep: string, name: string, eq: string, value: string) =>
      isSecretParam(name, value) ? `${sep}${name}${eq}[redacted]` : `${sep}${name}${eq}${value}`,
  );
  // a fragment never reaches the server from a browser; one sent by hand is not logged
  return path + redacted + (hash === -1 ? '' : '#[redacted]');
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

/**
 * JSON logs (pino) with the request id on every line and the process (`name`: api or worker);
 * tokens and secrets redacted. Readable lines instead when config.log.pretty (development at a
 * terminal, or LOG_FORMAT=pretty).
 */
export function loggerModule(config: AppConfig, process: 'api' | 'worker') {
  return LoggerModule.forRoot({
    // Nest's Fastify adapter mounts this under the api prefix only: the api app logs the routes
    // outside it (/r/:token) with a hook of its own, in the same shape.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.log.level,
      name: process,
      // pino-pretty (a development dependency) only when asked for or at a terminal, never in production
      ...(config.log.pretty
        ? {
            transport: {
              target: 'pino-pretty',
              options: {
                colorize: true,
                translateTime: 'SYS:HH:MM:ss.l',
                ignore: 'pid,hostname,context',
                messageFormat: '{if context}[{context}] {end}{msg}',
                singleLine: true,
              },
            },
          }
        : {}),
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
