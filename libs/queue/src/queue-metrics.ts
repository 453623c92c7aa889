import { gauge } from '#libs/metrics';
import { JOB_NAMES, JOB_REGISTRY, deadLetterQueueName } from './job-registry.js';
import type { QueueService } from './queue.service.js';

/**
 * Queue gauges, read from pg-boss's tables when scraped. They describe the whole cluster, not the
 * process that answers: every api and worker reports the same values, so a dashboard takes `max`
 * over instances, never `sum`. Only our queues and their dead-letter queues (pg-boss's own
 * internal queues are left out). `queue_jobs` has no `total` state: a sum over states is what it
 * would have double-counted.
 */
const jobs = gauge(
  'queue_jobs',
  'Jobs per queue and state, cluster-wide (take max over instances): ready (can run now), deferred (waiting for their start time or retry), active, failed (kept for inspection)',
  ['queue', 'state'],
);
const oldestReady = gauge(
  'queue_oldest_ready_age_seconds',
  'Age of the oldest job that could run now but has not started, per queue, cluster-wide (0 when none waits)',
  ['queue'],
);

const ours = new Set<string>(
  JOB_NAMES.flatMap((name) =>
    JOB_REGISTRY[name].deadLetter === false ? [name] : [name, deadLetterQueueName(name)],
  ),
);

export async function refreshQueueMetrics(queue: QueueService): Promise<void> {
  const [stats, ages] = await Promise.all([queue.stats(), queue.oldestReadyAges()]);
  jobs.reset();
  oldestReady.reset();
  for (const q of stats) {
    if (!ours.has(q.name)) continue;
    jobs.set({ queue: q.name, state: 'ready' }, q.readyCount);
    jobs.set({ queue: q.name, state: 'deferred' }, q.deferredCount);
    jobs.set({ queue: q.name, state: 'active' }, q.activeCount);
    jobs.set({ queue: q.name, state: 'failed' }, q.failedCount);
    oldestReady.set({ queue: q.name }, ages.get(q.name) ?? 0);
  }
}
