import 'reflect-metadata';
import { Logger, PinoLogger } from 'nestjs-pino';
import { flushLogs } from '#libs/common';
import type { AppConfig } from '#libs/config';
import type { Tracing } from '#libs/tracing';
import { createApiApp } from './api.app.js';

/** Runs the api until a signal stops it; `tracing` (when on) is flushed before the exit. */
export async function serve(config: AppConfig, tracing: Tracing | null): Promise<void> {
  const app = await createApiApp(config);
  const logger = app.get(Logger);
  let stopping = false;
  // SIGTERM (a deploy, a scale-down): stop accepting, let requests in flight finish, close the
  // pools, exit 0 — what a supervisor (compose, Kubernetes, systemd) counts as a clean stop.
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log({ msg: 'api stopping: finishing requests in flight', signal });
    const pino = await app.resolve(PinoLogger);
    await app.close();
    logger.log({ msg: 'api stopped' });
    await tracing?.shutdown().catch(() => undefined);
    await flushLogs(pino);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await app.listen({ port: config.http.port, host: config.http.host });
  logger.log({ msg: 'api listening', url: await app.getUrl(), docs: `${config.http.publicBaseUrl}/docs` });
}
