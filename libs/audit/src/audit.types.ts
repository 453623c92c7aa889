import type { AuditLogEntry } from './audit.entities.js';
/** Who did something: a vendor API key, a JWT user, or the platform admin. */
export interface Actor {
  /** `key:<api key id>`, `user:<jwt sub>` or `platform-admin`. */
  id: string;
  role: string;
  vendorId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEntry {
  /** What happened, dotted: `api_key.created`, `customer.health_profile.read`, … */
  action: string;
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

export type AuditRecord = AuditLogEntry;

export interface AuditQuery {
  entity?: string;
  entityId?: string;
  since?: Date;
  limit: number;
  /** Keyset cursor: the last id seen (ids grow with time). */
  afterId?: string;
}
