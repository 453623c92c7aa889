import { RequestMethod, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { createValidationPipe, quietFrameworkLogger, requestIdFor } from '#libs/common';
import { withRequestId } from '#libs/queue';
import type { AppConfig } from '#libs/config';
import { UPLOADS_PATH } from '#libs/ingestion';
import { ApiModule } from './api.module.js';
import { refuseOtherBodyTypes } from './http/body-types.js';
import { clientErrorHandler, frameworkErrors } from './http/framework-errors.js';
import { logUnprefixedRequests } from './http/unprefixed-request-log.js';
import { registerHttpMetrics } from './observability/http-metrics.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { setupSwagger } from './swagger.js';
import { PAGE_ROUTES } from '#libs/web';

export const API_PREFIX = 'api/v1';

export interface ApiAppOptions {
  /** Extra modules (tests and benchmarks mount probe controllers this way). */
  imports?: ModuleMetadata['imports'];
}

/** Builds the api application (used by main.ts, the e2e tests and the benchmarks). */
export async function createApiApp(
  config: AppConfig,
  options: ApiAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    genReqId: requestIdFor,
    trustProxy: config.http.trustProxy,
    bodyLimit: config.http.bodyLimitBytes,
    logger: false,
    return503OnClosing: true,
    frameworkErrors,
    clientErrorHandler,
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // entered after the body is read (a body's stream events would leave an earlier context behind):
  // what the handler runs — and every job it sends — knows its request id
  fastify.addHook('preHandler', (request, _reply, done) => withRequestId(String(request.id), done));
  registerSecurityHeaders(fastify, { hsts: config.env === 'production' });
  registerHttpMetrics(fastify);
  refuseOtherBodyTypes(fastify, UPLOADS_PATH, ['/calculator/', '/privacy/']);
  const requestLog: { logger?: Logger } = {}; // the app's logger, once the app exists
  logUnprefixedRequests(fastify, `/${API_PREFIX}/`, () => requestLog.logger);
  // TUS PATCH bodies are streamed by @tus/server from the raw request: Fastify must not read them.
  fastify.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) => done(null));

  const app = await NestFactory.create<NestFastifyApplication>(
    ApiModule.forRoot(config, options.imports),
    adapter,
    {
      rawBody: true,
      bufferLogs: true,
    },
  );
  const logger = app.get(Logger);
  requestLog.logger = logger;
  app.useLogger(quietFrameworkLogger(logger));
  app.flushLogs(); // buffered start-up lines; otherwise only listen() flushes them (tests never listen)
  app.enableCors({
    origin: config.http.corsOrigins.length > 0 ? config.http.corsOrigins : false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'content-type',
      'authorization',
      'idempotency-key',
      'x-session-token',
      'x-request-id',
      'last-event-id',
      'tus-resumable',
      'upload-length',
      'upload-offset',
      'upload-metadata',
      'upload-defer-length',
      'upload-concat',
    ],
    exposedHeaders: [
      'x-request-id',
      'retry-after',
      'ratelimit-limit',
      'ratelimit-remaining',
      'ratelimit-reset',
      'idempotent-replayed',
      'location',
      'tus-resumable',
      'tus-version',
      'tus-extension',
      'tus-max-size',
      'upload-offset',
      'upload-length',
      'upload-expires',
    ],
    maxAge: 600,
  });
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
      { path: 'r/:token', method: RequestMethod.GET },
      { path: 'calculator/paid', method: RequestMethod.GET },
      { path: 'calculator/checkout-cancelled', method: RequestMethod.GET },
      ...PAGE_ROUTES.map((path) => ({ path, method: RequestMethod.ALL })),
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  setupSwagger(app);
  await app.init();
  return app;
}
