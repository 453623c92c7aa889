import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { affectedRows, BookkeepingPool, execute, firstRow, rowsOf } from '#libs/db';
import { type IdempotencyKey } from '../common.entities.js';

/** A claimed key: the response body is sealed by the vault (context: scope and key), null when none is kept. */
export type IdempotencyRecord = Pick<
  IdempotencyKey,
  'fingerprint' | 'state' | 'response_status' | 'response_sealed'
>;

export interface IdempotencyClaim {
  scope: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
}

const STALE_LOCK = '5 minutes';
const TTL = '24 hours';

/**
 * The claim of a key as one INSERT … SELECT (parameters from $n: scope, key, method, path,
 * fingerprint; `where` may hold the claim back): a free, expired or stale key is taken, anything
 * else is left alone and returns no row. Shared with the rate limiter's one-round-trip claim.
 */
export function claimSql(n: number, where = ''): string {
  return `INSERT INTO idempotency_keys AS k (scope, key, method, path, fingerprint, state, expires_at)
       SELECT $${n}, $${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, 'in_flight', now() + interval '${TTL}' ${where}
       ON CONFLICT (scope, key) DO UPDATE
         SET method = EXCLUDED.method, path = EXCLUDED.path, fingerprint = EXCLUDED.fingerprint,
             state = 'in_flight', response_status = NULL, response_sealed = NULL,
             created_at = now(), locked_at = now(), expires_at = EXCLUDED.expires_at
         WHERE k.expires_at <= now()
            OR (k.state = 'in_flight' AND k.fingerprint = EXCLUDED.fingerprint
                AND k.locked_at < now() - interval '${STALE_LOCK}')
       RETURNING 1`;
}

export const claimParams = (c: IdempotencyClaim) => [c.scope, c.key, c.method, c.path, c.fingerprint];

/** Stripe-style idempotency keys, scoped by tenant, session or client address; expire after 24 h. */
@Injectable()
export class IdempotencyRepository {
  /** An in-flight claim older than this is taken to belong to a crashed process. */
  static readonly STALE_LOCK = STALE_LOCK;
  static readonly TTL = TTL;

  constructor(private readonly db: BookkeepingPool) {}

  /** Claims the key for this request; false when someone else holds or held it. */
  async claim(c: IdempotencyClaim): Promise<boolean> {
    return (await affectedRows(this.db, claimSql(1), claimParams(c), 'idempotency_claim')) === 1;
  }

  async find(scope: string, key: string): Promise<IdempotencyRecord | null> {
    const row = await firstRow<IdempotencyRecord>(
      this.db,
      `SELECT fingerprint, state, response_status, response_sealed
         FROM idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at > now()`,
      [scope, key],
    );
    return row ?? null;
  }

  async complete(scope: string, key: string, status: number, sealed: Buffer | null): Promise<void> {
    await execute(
      this.db,
      `UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_sealed = $4
        WHERE scope = $1 AND key = $2 AND state = 'in_flight'`,
      [scope, key, status, sealed],
      'idempotency_complete',
    );
  }

  /** Forgets an in-flight claim (the request failed with a 5xx): a retry may run again. */
  async release(scope: string, key: string): Promise<void> {
    await execute(
      this.db,
      `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'in_flight'`,
      [scope, key],
    );
  }

  /** Erasure: every stored request of these scopes (a person's calculator sessions). */
  forgetScopes(manager: EntityManager, scopes: string[]): Promise<number> {
    return affectedRows(manager, `DELETE FROM idempotency_keys WHERE scope = ANY($1::text[])`, [scopes]);
  }

  /** The stored responses of one scope under a route prefix (sealed), for erasure to look into. */
  sealedUnder(
    manager: EntityManager,
    scope: string,
    pathPrefix: string,
  ): Promise<{ key: string; response_sealed: Buffer }[]> {
    return rowsOf<{ key: string; response_sealed: Buffer }>(
      manager,
      `SELECT key, response_sealed FROM idempotency_keys
        WHERE scope = $1 AND starts_with(path, $2) AND response_sealed IS NOT NULL`,
      [scope, pathPrefix],
    );
  }

  forgetKeys(manager: EntityManager, scope: string, keys: string[]): Promise<number> {
    return affectedRows(manager, `DELETE FROM idempotency_keys WHERE scope = $1 AND key = ANY($2::text[])`, [
      scope,
      keys,
    ]);
  }

  async purgeExpired(): Promise<number> {
    return affectedRows(this.db, `DELETE FROM idempotency_keys WHERE expires_at <= now()`);
  }
}
