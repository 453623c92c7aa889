import { register } from 'node:module';
import type { AppConfig } from '#libs/config';

export interface Tracing {
  /** Flushes the spans not yet exported; called before the process exits. */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry tracing for one process, on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set
 * (config.tracing; off, and nothing loaded, otherwise): the SDK (`@opentelemetry/sdk-node`, configured by the standard
 * `OTEL_*` variables), an OTLP/HTTP exporter, and instrumentations for incoming and outgoing HTTP
 * (the api's requests, provider calls, webhook deliveries) and `pg` (every statement). The queue's
 * spans are ours (queue.service.ts, job-runner.service.ts): a job's `process` span continues the
 * trace of the request that sent it, so one trace shows the request, its statements, its jobs,
 * their statements and their HTTP calls.
 *
 * Must run before the app's modules are imported (main.ts imports the app afterwards): the
 * instrumentations patch `pg` and `http` as they load, through the ESM loader hook registered here.
 */
export async function startTracing(
  service: 'api' | 'worker',
  config: AppConfig['tracing'],
): Promise<Tracing | null> {
  if (!config.otlpEndpoint) return null;
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [{ NodeSDK }, { OTLPTraceExporter }, { HttpInstrumentation }, { PgInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-pg'),
    ]);
  const quiet = new Set(['/health', '/health/ready', '/metrics']);
  const sdk = new NodeSDK({
    serviceName: config.serviceName ?? `nutrition-${service}`,
    traceExporter: new OTLPTraceExporter({ url: `${config.otlpEndpoint.replace(/\/+$/, '')}/v1/traces` }),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => quiet.has(req.url ?? '') }),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
