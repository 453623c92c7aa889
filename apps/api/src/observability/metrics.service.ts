import { Injectable } from '@nestjs/common';
import { gauge, metricsRegistry } from '#libs/metrics';
import { QueueService } from '#libs/queue';

const jobs = gauge('queue_jobs', 'Jobs per queue and state (pg-boss, all processes)', ['queue', 'state']);

/** Prometheus text: process metrics, HTTP latency, and queue depth/outcomes read from pg-boss. */
@Injectable()
export class MetricsService {
  constructor(private readonly queue: QueueService) {}

  async render(): Promise<string> {
    jobs.reset();
    for (const q of await this.queue.stats()) {
      jobs.set({ queue: q.name, state: 'ready' }, q.readyCount);
      jobs.set({ queue: q.name, state: 'deferred' }, q.deferredCount);
      jobs.set({ queue: q.name, state: 'active' }, q.activeCount);
      jobs.set({ queue: q.name, state: 'failed' }, q.failedCount);
      jobs.set({ queue: q.name, state: 'total' }, q.totalCount);
    }
    return metricsRegistry().metrics();
  }
}
