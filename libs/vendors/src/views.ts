import type { AuditRecord } from '#libs/audit';
import type { ApiKeyRow } from './api-keys.repository.js';
import type { IssuedKey } from './api-keys.service.js';
import type { VendorRow } from './vendors.repository.js';
import type {
  ApiKeyView,
  AuditEntryView,
  IssuedApiKeyView,
  PublicVendorView,
  VendorView,
} from './vendors.dto.js';

/** The fields of a vendor the public directory shows. */
export type PublicVendorFields = Pick<
  VendorRow,
  | 'slug'
  | 'name'
  | 'category'
  | 'subcategory'
  | 'description'
  | 'website'
  | 'logo_url'
  | 'delivery_regions'
  | 'best_for'
  | 'price_level'
>;

export const publicVendorView = (v: PublicVendorFields): PublicVendorView => ({
  slug: v.slug,
  name: v.name,
  category: v.category,
  subcategory: v.subcategory,
  description: v.description,
  website: v.website,
  logo_url: v.logo_url,
  delivery_regions: v.delivery_regions,
  best_for: v.best_for,
  price_level: v.price_level,
});

export const vendorView = (v: VendorRow): VendorView => ({
  id: v.id,
  ...publicVendorView(v),
  contact_email: v.contact_email,
  status: v.status,
  created_at: v.created_at,
  updated_at: v.updated_at,
});

export const apiKeyView = (k: ApiKeyRow): ApiKeyView => ({
  id: k.id,
  name: k.name,
  role: k.role,
  key_prefix: k.key_prefix,
  created_by: k.created_by,
  created_at: k.created_at,
  last_used_at: k.last_used_at,
  revoked_at: k.revoked_at,
});

export const issuedKeyView = (i: IssuedKey): IssuedApiKeyView => ({ ...apiKeyView(i.key), key: i.secret });

export const auditEntryView = (a: AuditRecord): AuditEntryView => ({
  id: a.id,
  occurred_at: a.occurred_at,
  actor_id: a.actor_id,
  actor_role: a.actor_role,
  action: a.action,
  entity: a.entity,
  entity_id: a.entity_id,
  before: a.before as Record<string, unknown> | null, // jsonb objects, written by AuditService
  after: a.after as Record<string, unknown> | null,
  ip: a.ip,
  user_agent: a.user_agent,
});
