import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { VaultService } from '#libs/vault';
import { Conflict, StoredResponse, Unprocessable, ValidationFailed } from '../errors/app-error.js';
import { IdempotencyRepository, type IdempotencyClaim } from './idempotency.repository.js';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyBegin = { kind: 'run' } | { kind: 'replay'; response: StoredResponse };

/**
 * Stripe semantics: same key + same request within 24 h replays the stored status and body;
 * a different request under the same key is a 422; a duplicate while the first still runs is a
 * 409; 5xx responses are not stored, so the client may retry. Stored bodies are sealed by the
 * vault (they can hold API keys, signing secrets, session tokens and health data), bound to their
 * scope and key.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly vault: VaultService,
  ) {}

  static isValidKey(key: string): boolean {
    return KEY_FORMAT.test(key);
  }

  static validateKey(key: string): void {
    if (!IdempotencyService.isValidKey(key)) {
      throw new ValidationFailed(
        'Idempotency-Key must be 1 to 255 visible ASCII characters',
        [{ field: 'Idempotency-Key', message: 'invalid format' }],
        'invalid_idempotency_key',
      );
    }
  }

  /**
   * Claims the key, or answers what a holder of it gets. `firstClaim` replaces the first claim
   * statement (the rate limiter counts its hits in the same one).
   */
  async begin(
    claim: IdempotencyClaim,
    firstClaim: (c: IdempotencyClaim) => Promise<boolean> = (c) => this.keys.claim(c),
  ): Promise<IdempotencyBegin> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await (attempt === 0 ? firstClaim(claim) : this.keys.claim(claim))) return { kind: 'run' };
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
      if (existing.response_sealed === null) {
        // finished with keepBody = false: a secret for an anonymous caller, or an erasure's names
        throw new Conflict(
          'A request with this Idempotency-Key was already processed; its response is not kept (it held a secret for an unauthenticated caller, or named people it erased). Send a new key to make a new request.',
          'idempotency_replay_refused',
        );
      }
      const json = this.vault.openValue(context(claim.scope, claim.key), existing.response_sealed);
      return {
        kind: 'replay',
        response: new StoredResponse(existing.response_status ?? 200, json, {
          'idempotent-replayed': 'true',
        }),
      };
    }
    throw new Conflict(
      'A request with this Idempotency-Key is still being processed',
      'idempotency_in_progress',
    );
  }

  /**
   * Stores the outcome; `keepBody` false keeps only the status (the body is never replayed). The
   * body is kept as the JSON text sent (serialised here exactly as the reply serialises it).
   */
  async finish(scope: string, key: string, status: number, body: unknown, keepBody = true): Promise<void> {
    if (status >= 500) return this.keys.release(scope, key);
    const sealed = keepBody
      ? this.vault.sealValue(context(scope, key), body === undefined ? '' : JSON.stringify(body))
      : null;
    await this.keys.complete(scope, key, status, sealed);
  }

  /**
   * A keyed digest (HMAC under a key derived from VAULT_MASTER_KEY): the request fingerprint and an
   * anonymous caller's address are stored this way, so a stored row tells nobody what was sent —
   * an unkeyed SHA-256 of a step-1 body (sex, age, height, weight) is brute-forced in under a second.
   */
  digest(purpose: string, value: string | Buffer): string {
    return this.vault.digest(purpose, value);
  }

  purgeExpired(): Promise<number> {
    return this.keys.purgeExpired();
  }

  /** Erasure, in the caller's transaction: every stored request of these scopes. */
  forgetScopes(manager: EntityManager, scopes: string[]): Promise<number> {
    return scopes.length ? this.keys.forgetScopes(manager, scopes) : Promise.resolve(0);
  }

  /**
   * Erasure, in the caller's transaction: a scope's stored responses under a route prefix that
   * mention any of `values` (opened to look: they are sealed), so a replay cannot hand back what
   * was erased.
   */
  async forgetResponsesMentioning(
    manager: EntityManager,
    scope: string,
    pathPrefix: string,
    values: string[],
  ): Promise<number> {
    const needles = values.filter((v) => v.length > 0);
    if (needles.length === 0) return 0;
    const rows = await this.keys.sealedUnder(manager, scope, pathPrefix);
    const keys = rows
      .filter((r) => {
        const json = this.vault.openValue(context(scope, r.key), r.response_sealed);
        return needles.some((n) => json.includes(n));
      })
      .map((r) => r.key);
    return keys.length ? this.keys.forgetKeys(manager, scope, keys) : 0;
  }
}

const context = (scope: string, key: string) => `idempotency:${scope}:${key}`;
