import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { rateLimitBucket, type RateLimitRule } from './rate-limit.decorator.js';
import { RateLimitRepository } from './rate-limit.repository.js';

/** Erasure of a person's rate-limit counters: those a rule keeps for their key (an e-mail address). */
@Injectable()
export class RateLimitErasure {
  constructor(private readonly counters: RateLimitRepository) {}

  forget(manager: EntityManager, rules: Pick<RateLimitRule, 'name'>[], key: string): Promise<number> {
    return this.counters.forgetBuckets(
      manager,
      rules.map((r) => rateLimitBucket(r, key)),
    );
  }
}
