import type { FastifyInstance } from 'fastify';
import type { Logger } from 'nestjs-pino';
import { clientIp, redactUrl } from '#libs/common';

const QUIET = new Set(['/health', '/health/ready', '/metrics']);

/**
 * The request log for routes outside the api prefix (`/r/:token`, `/docs`). Nest's Fastify adapter
 * mounts every middleware — the request logger included — under the global prefix only, so these
 * requests were not logged at all. Same line shape as the middleware's, token redacted.
 */
export function logUnprefixedRequests(
  fastify: FastifyInstance,
  prefix: string,
  logger: () => Logger | undefined,
) {
  fastify.addHook('onResponse', (req, reply, done) => {
    const path = req.url.split('?')[0]!;
    if (!path.startsWith(prefix) && !QUIET.has(path)) {
      const status = reply.statusCode;
      const line = {
        req: { id: req.id, method: req.method, url: redactUrl(req.url), remoteAddress: clientIp(req) },
        res: { statusCode: status },
        responseTime: Math.round(reply.elapsedTime),
        msg: 'request completed',
      };
      const log = logger();
      if (status >= 500) log?.error(line);
      else if (status >= 400) log?.warn(line);
      else log?.log(line);
    }
    done();
  });
}
