import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, register } from 'prom-client';

/**
 * Prometheus metrics for this process. Metrics are created once per process and reused, so
 * several Nest applications in one process (tests) share them instead of failing on re-register.
 */
let defaultsCollected = false;

export function metricsRegistry(): Registry {
  if (!defaultsCollected) {
    collectDefaultMetrics({ register });
    // gauges named like counters, which Prometheus' linter (promtool check metrics) rejects; each
    // is also exported without the suffix (nodejs_active_handles, …), so nothing is lost
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ])
      register.removeSingleMetric(name);
    defaultsCollected = true;
  }
  return register;
}

function existing<T>(name: string): T | undefined {
  return register.getSingleMetric(name) as T | undefined;
}

export function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return existing<Counter<L>>(name) ?? new Counter({ name, help, labelNames, registers: [register] });
}

export function gauge<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  collect?: (this: Gauge<L>) => Promise<void> | void,
): Gauge<L> {
  return (
    existing<Gauge<L>>(name) ??
    new Gauge({ name, help, labelNames, registers: [register], ...(collect ? { collect } : {}) })
  );
}

export function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[],
): Histogram<L> {
  return (
    existing<Histogram<L>>(name) ?? new Histogram({ name, help, labelNames, buckets, registers: [register] })
  );
}
