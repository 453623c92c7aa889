import type { Actor } from '#libs/audit';
import type { VendorId } from '#libs/common';

import { VENDOR_ROLES } from '../vendors.entities.js';

export { VENDOR_ROLES };
export type VendorRole = (typeof VENDOR_ROLES)[number];

/**
 * The authenticated vendor caller. The vendor id comes only from the credential (API key row or
 * JWT claim), never from the URL or body. It is also the audit Actor.
 */
export interface VendorPrincipal extends Actor {
  vendorId: VendorId;
  role: VendorRole;
  via: 'api_key' | 'jwt';
  /** The API key's id when via = api_key. */
  keyId: string | null;
}

/**
 * Role sets used by routes. Customer data (identity and health, and matches derived from health)
 * is `health`: the analyst role reads the catalogue only.
 */
export const ROLES = {
  read: ['admin', 'editor', 'analyst'],
  health: ['admin', 'editor'],
  write: ['admin', 'editor'],
  admin: ['admin'],
  ingest: ['admin', 'ingest'],
} as const satisfies Record<string, readonly VendorRole[]>;
