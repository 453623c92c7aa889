import 'reflect-metadata';
import { Logger, PinoLogger } from 'nestjs-pino';
import { flushLogs } from '#libs/common';
import type { AppConfig } from '#libs/config';
import type { Tracing } from '#libs/tracing';
import { metricsRegistry } from '#libs/metrics';
import { QueueService, refreshQueueMetrics } from '#libs/queue';
import { startHealthServer } from './health-server.js';
import { createWorkerApp } from './worker.app.js';

/** Runs the worker until a signal stops it; `tracing` (when on) is flushed before the exit. */
export async function serve(config: AppConfig, tracing: Tracing | null): Promise<void> {
  const app = await createWorkerApp(config);
  const logger = app.get(Logger);
  let stopping = false;
  const health =
    config.queue.workerHealthPort !== null
      ? startHealthServer(
          config.queue.workerHealthPort,
          () => !stopping,
          async () => {
            await refreshQueueMetrics(app.get(QueueService));
            return metricsRegistry().metrics();
          },
        )
      : null;

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log({ msg: 'worker stopping: finishing jobs in flight', signal });
    const pino = await app.resolve(PinoLogger);
    await app.close();
    health?.close();
    logger.log({ msg: 'worker stopped' });
    await tracing?.shutdown().catch(() => undefined);
    await flushLogs(pino);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  logger.log('worker started');
}
