import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IDEMPOTENCY_METADATA = 'common:idempotency';
export const IDEMPOTENCY_REPLAY_METADATA = 'common:idempotency-replay';
export type IdempotencyMode = 'required' | 'optional' | 'off';

/** Vendor mutations: a missing Idempotency-Key is a 400. */
export const IdempotencyRequired = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENCY_METADATA, 'required' satisfies IdempotencyMode),
    ApiExtension('x-idempotency', 'required'),
  );
/** Routes with their own de-duplication (signed provider webhooks, TUS). */
export const SkipIdempotency = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENCY_METADATA, 'off' satisfies IdempotencyMode),
    ApiExtension('x-idempotency', 'off'),
  );

/** How a stored response may be replayed (every stored body is sealed by the vault). */
export interface ReplayPolicy {
  /**
   * The response carries a secret (an API key, a signing secret, a session token). It is replayed
   * only to an authenticated scope (a vendor, a calculator session, the platform admin); an
   * anonymous caller, known only by its address, gets 409 `idempotency_replay_refused` instead,
   * since two clients behind one address could send the same key.
   */
  secret?: boolean;
  /**
   * The response names people it has just erased: only its status is kept, and a repeat of the
   * key gets 409 `idempotency_replay_refused` (never the names again, from a row kept 24 h).
   */
  erasure?: boolean;
  /** The response carries health data: a replay is audited as this action on the route's `:id`. */
  auditAs?: { action: string; entity: string };
}

export const ReplayPolicy = (policy: ReplayPolicy) => SetMetadata(IDEMPOTENCY_REPLAY_METADATA, policy);

/** Where replays of health responses are audited (the audit module provides it). */
export const REPLAY_AUDIT = Symbol('REPLAY_AUDIT');
export interface ReplayAudit {
  record(
    actor: { id: string; role: string; vendorId: string | null; ip: string | null; userAgent: string | null },
    entry: { action: string; entity: string; entityId?: string | null; after?: unknown },
  ): Promise<void>;
}
