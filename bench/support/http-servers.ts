import 'reflect-metadata';
import { Body, Controller, Module, Post } from '@nestjs/common';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import Fastify from 'fastify';
import { IsSafeText, RateLimit, byHeader } from '#libs/common';
import { loadConfig } from '#libs/config';
import { createApiApp } from '../../apps/api/src/api.app.js';

/**
 * Child process for the HTTP benchmarks. `api`: the real api as deployed; `full`: the same plus one
 * probe route (bench:http); `bare`: plain Fastify with the probe's two routes.
 * Prints `READY <port>` on stdout's first line.
 */
class EchoDto {
  @IsSafeText({ min: 1, max: 100 })
  name!: string;

  @IsInt()
  @Min(0)
  @Max(150)
  age!: number;

  @IsIn(['lose', 'maintain', 'gain'])
  goal!: string;
}

@Controller('bench')
class EchoController {
  @Post('echo')
  @RateLimit({ name: 'bench-echo', limit: 1_000_000_000, windowSeconds: 3600, key: byHeader('x-client') })
  echo(@Body() dto: EchoDto): EchoDto {
    return dto;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

async function main(): Promise<void> {
  const mode = process.argv[2];
  let port: number;
  if (mode === 'bare') {
    const app = Fastify({ logger: false });
    app.get('/health', async () => ({ status: 'ok' }));
    app.post('/api/v1/bench/echo', async (req, reply) => reply.code(201).send(req.body));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  } else {
    const config = loadConfig({ ...process.env, PORT: '0' });
    const app = await createApiApp(config, { imports: mode === 'api' ? [] : [EchoModule] });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.getHttpServer().address() as { port: number }).port;
  }
  process.stderr.write(`READY ${port}\n`);
  // an orderly exit on the bench's SIGTERM, so `BENCH_NODE_ARGS=--cpu-prof` gets its profile written
  process.once('SIGTERM', () => process.exit(0));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
