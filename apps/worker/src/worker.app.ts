import type { INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { quietFrameworkLogger } from '#libs/common';
import type { AppConfig } from '#libs/config';
import { WorkerModule } from './worker.module.js';

/** Builds the worker context (no HTTP routes); handlers start polling once it is initialised. */
export async function createWorkerApp(
  config: AppConfig,
  options: { imports?: ModuleMetadata['imports'] } = {},
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, options.imports), {
    bufferLogs: true,
  });
  app.useLogger(quietFrameworkLogger(app.get(Logger)));
  app.flushLogs(); // buffered start-up lines; otherwise only listen() flushes them (tests never listen)
  await app.init();
  return app;
}
