import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { CommonModule } from '#libs/common';
import { ConfigModule, type AppConfig } from '#libs/config';
import { ENTITIES } from '#libs/schema';
import { DbModule } from '#libs/db';
import { QueueModule, type QueueRole } from '#libs/queue';

/** A Nest context with config, database, queue and common services: for integration tests. */
export async function serviceContext(
  config: AppConfig,
  role: QueueRole = 'producer',
  imports: unknown[] = [],
): Promise<TestingModule> {
  @Module({})
  class Extra {}
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      DbModule.forRoot('test', { entities: ENTITIES }),
      QueueModule.forRoot(role),
      CommonModule,
      Extra,
      ...(imports as never[]),
    ],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}
