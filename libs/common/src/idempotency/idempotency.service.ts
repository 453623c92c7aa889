import { Injectable } from '@nestjs/common';
import { Conflict, StoredResponse, Unprocessable, ValidationFailed } from '../errors/app-error.js';
import { IdempotencyRepository, type IdempotencyClaim } from './idempotency.repository.js';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyBegin = { kind: 'run' } | { kind: 'replay'; response: StoredResponse };

/**
 * Stripe semantics: same key + same request within 24 h replays the stored status and body;
 * a different request under the same key is a 422; a duplicate while the first still runs is a
 * 409; 5xx responses are not stored, so the client may retry.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly keys: IdempotencyRepository) {}

  static validateKey(key: string): void {
    if (!KEY_FORMAT.test(key)) {
      throw new ValidationFailed(
        'Idempotency-Key must be 1 to 255 visible ASCII characters',
        [{ field: 'Idempotency-Key', message: 'invalid format' }],
        'invalid_idempotency_key',
      );
    }
  }

  async begin(claim: IdempotencyClaim): Promise<IdempotencyBegin> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.keys.claim(claim)) return { kind: 'run' };
      const existing = await this.keys.find(claim.scope, claim.key);
      if (!existing) continue; // released or expired between the two statements: claim again
      if (existing.fingerprint !== claim.fingerprint) {
        throw new Unprocessable(
          'This Idempotency-Key was already used with a different request',
          'idempotency_key_reused',
        );
      }
      if (existing.state === 'in_flight') {
        throw new Conflict(
          'A request with this Idempotency-Key is still being processed',
          'idempotency_in_progress',
        );
      }
      return {
        kind: 'replay',
        response: new StoredResponse(existing.response_status ?? 200, existing.response_body, {
          'idempotent-replayed': 'true',
        }),
      };
    }
    throw new Conflict(
      'A request with this Idempotency-Key is still being processed',
      'idempotency_in_progress',
    );
  }

  async finish(scope: string, key: string, status: number, body: unknown): Promise<void> {
    if (status >= 500) await this.keys.release(scope, key);
    else await this.keys.complete(scope, key, status, body);
  }

  purgeExpired(): Promise<number> {
    return this.keys.purgeExpired();
  }
}
