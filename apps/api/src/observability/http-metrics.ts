import type { FastifyInstance } from 'fastify';
import { histogram } from '#libs/metrics';

const requestDuration = histogram(
  'http_request_duration_seconds',
  'HTTP request latency by route pattern',
  ['method', 'route', 'status'],
  [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);

/** Records every response in the latency histogram, labelled by route pattern (not raw URL). */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    requestDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
