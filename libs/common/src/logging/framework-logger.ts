import type { LoggerService } from '@nestjs/common';

/** Nest's start-up chatter: one line per module, controller and route (~170 lines); useful when debugging. */
const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/**
 * The app's logger as Nest uses it (app.useLogger): everything goes to pino, except that the
 * framework's start-up lines are logged at debug instead of info, so the lines that matter at
 * start (listening, the worker's queues, the launcher's banner) are not buried under them.
 */
export function quietFrameworkLogger(logger: LoggerService): LoggerService {
  const contextOf = (params: unknown[]) => params[params.length - 1];
  return {
    log: (message: unknown, ...params: unknown[]) => {
      const context = contextOf(params);
      if (typeof context === 'string' && BOOT_CONTEXTS.has(context)) logger.debug?.(message, ...params);
      else logger.log(message, ...params);
    },
    error: (message: unknown, ...params: unknown[]) => logger.error(message, ...params),
    warn: (message: unknown, ...params: unknown[]) => logger.warn(message, ...params),
    debug: (message: unknown, ...params: unknown[]) => logger.debug?.(message, ...params),
    verbose: (message: unknown, ...params: unknown[]) => logger.verbose?.(message, ...params),
    fatal: (message: unknown, ...params: unknown[]) =>
      (logger.fatal ?? logger.error).call(logger, message, ...params),
  };
}

/**
 * Waits until every log line written so far has left the process (pretty logs go through a
 * worker thread): called before process.exit, so a process's last lines are not lost.
 */
export async function flushLogs(logger: {
  logger: { flush(cb?: (err?: Error) => void): void };
}): Promise<void> {
  const root = logger.logger;
  await new Promise<void>((resolve) => {
    const done = setTimeout(resolve, 1000); // never hold an exit on a stuck transport
    root.flush(() => {
      clearTimeout(done);
      resolve();
    });
  });
}
