import type { FastifyInstance } from 'fastify';
import { UnsupportedMediaType, renderError } from '#libs/common';

const JSON_TYPE = 'application/json';
const TUS_TYPE = 'application/offset+octet-stream';
const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * Every API route takes JSON bodies (TUS uploads take their own type): anything else is a 415 before
 * it is parsed. Without this the framework also parsed form bodies, so a cross-site HTML form could
 * POST to a JSON route (a "simple" request that needs no CORS preflight). Only the calculator's
 * pages (outside /api/v1) take form posts, and check where they come from themselves.
 */
export function refuseOtherBodyTypes(
  fastify: FastifyInstance,
  uploadsPath: string,
  formsPaths: string[],
): void {
  fastify.addHook('onRequest', (req, reply, done) => {
    const length = req.headers['content-length'];
    const hasBody =
      (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return done();
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const expected = req.url.startsWith(`${uploadsPath}/`)
      ? [TUS_TYPE]
      : formsPaths.some((p) => req.url.startsWith(p))
        ? [FORM_TYPE]
        : [JSON_TYPE];
    if (expected.includes(type)) return done();
    const rendered = renderError(
      new UnsupportedMediaType(
        `Send the body as ${expected[0]} (got ${type || 'no Content-Type'})`,
        'unsupported_media_type',
      ),
      String(req.id),
    );
    void reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  });
}
