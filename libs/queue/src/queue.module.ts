import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRunner } from './job-runner.service.js';
import { QUEUE_ROLE, QueueService, type QueueRole } from './queue.service.js';

/** pg-boss for the whole application; the worker role also runs the discovered job handlers. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(role: QueueRole): DynamicModule {
    const providers = [{ provide: QUEUE_ROLE, useValue: role }, QueueService];
    return role === 'worker'
      ? {
          module: QueueModule,
          imports: [DiscoveryModule],
          providers: [...providers, JobRunner],
          exports: [QueueService, JobRunner],
        }
      : { module: QueueModule, providers, exports: [QueueService] };
  }
}
