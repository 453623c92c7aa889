import 'reflect-metadata';
import { Logger, PinoLogger } from 'nestjs-pino';
import { flushLogs } from '#libs/common';
import { ConfigError, loadConfig } from '#libs/config';
import { createApiApp } from './api.app.js';

async function main(): Promise<void> {
  const config = loadConfig();
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
    await flushLogs(pino);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await app.listen({ port: config.http.port, host: config.http.host });
  logger.log({ msg: 'api listening', url: await app.getUrl(), docs: `${config.http.publicBaseUrl}/docs` });
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
