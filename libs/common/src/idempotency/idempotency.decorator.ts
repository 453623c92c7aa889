import { SetMetadata } from '@nestjs/common';

export const IDEMPOTENCY_METADATA = 'common:idempotency';
export type IdempotencyMode = 'required' | 'optional' | 'off';

/** Vendor mutations: a missing Idempotency-Key is a 400. */
export const IdempotencyRequired = () =>
  SetMetadata(IDEMPOTENCY_METADATA, 'required' satisfies IdempotencyMode);
/** Routes with their own de-duplication (signed provider webhooks, TUS). */
export const SkipIdempotency = () => SetMetadata(IDEMPOTENCY_METADATA, 'off' satisfies IdempotencyMode);
