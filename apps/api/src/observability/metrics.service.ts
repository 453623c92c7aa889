import { Injectable } from '@nestjs/common';
import { metricsRegistry } from '#libs/metrics';
import { QueueService, refreshQueueMetrics } from '#libs/queue';

/** Prometheus text: process, pool and HTTP metrics of this process; queue gauges of the cluster. */
@Injectable()
export class MetricsService {
  constructor(private readonly queue: QueueService) {}

  async render(): Promise<string> {
    await refreshQueueMetrics(this.queue);
    return metricsRegistry().metrics();
  }
}
