import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HealthService, type Readiness } from './health.service.js';

const CHECK = ['ok', 'error', 'timeout'];

class LivenessView {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

class ChecksView {
  @ApiProperty({ enum: CHECK }) database!: string;
  @ApiProperty({ enum: CHECK }) queue!: string;
  @ApiProperty({
    enum: ['ok', 'degraded', 'off'],
    description:
      'The report generator: off (no ANTHROPIC_API_KEY, the composer writes), ok, or degraded (the model refused the key, permission or model name within the last hour: the composer writes until it is fixed)',
  })
  generator!: string;
}

class ReadinessView {
  @ApiProperty({ enum: ['ok', 'unavailable'] }) status!: string;
  @ApiProperty({ type: ChecksView }) checks!: ChecksView;
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiOkResponse({ type: LivenessView })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness: the database and the queue answer (each check: ok, error or timeout; details go to the log)',
  })
  @ApiOkResponse({ type: ReadinessView })
  @ApiServiceUnavailableResponse({ type: ReadinessView, description: 'A check failed' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const readiness = await this.health.readiness();
    reply.status(readiness.status === 'ok' ? 200 : 503);
    return readiness;
  }
}
