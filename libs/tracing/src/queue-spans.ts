import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Span,
} from '@opentelemetry/api';

/**
 * Spans for pg-boss, which has no instrumentation of its own: `<queue> send` where a job is sent
 * (its trace context travels in the job's data, W3C `traceparent`), `<queue> process` where a
 * worker runs it — a child of the sender's span, so the job joins the request's trace. With no
 * SDK started (tracing off) the API is a no-op: nothing is recorded and the carrier stays empty.
 */
const tracer = trace.getTracer('nutrition-queue');

/** The current trace context as a carrier for a job's data (empty when there is none). */
export function traceCarrier(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

export function withSendSpan<T>(queue: string, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(
    `${queue} send`,
    {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'pg-boss', 'messaging.destination.name': queue },
    },
    (span) => settle(span, fn),
  );
}

export function withProcessSpan<T>(
  queue: string,
  jobId: string,
  carrier: Record<string, string> | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, carrier ?? {});
  return tracer.startActiveSpan(
    `${queue} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'pg-boss',
        'messaging.destination.name': queue,
        'messaging.message.id': jobId,
      },
    },
    parent,
    (span) => settle(span, fn),
  );
}

async function settle<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}
