import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '#libs/config';
import { createApiApp } from './api.app.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  app.enableShutdownHooks();
  await app.listen({ port: config.http.port, host: config.http.host });
  app
    .get(Logger)
    .log({ msg: 'api listening', url: await app.getUrl(), docs: `${config.http.publicBaseUrl}/docs` });
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
