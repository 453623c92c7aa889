import type { VendorId } from '#libs/db';
import { UUID_PATTERN } from '../validation/decorators.js';

export type { VendorId };

/** For ids from trusted places only: credentials, job payloads, seed scripts. */
export function asVendorId(value: string): VendorId {
  if (!UUID_PATTERN.test(value)) throw new Error(`not a vendor id: ${value}`);
  return value as VendorId;
}
