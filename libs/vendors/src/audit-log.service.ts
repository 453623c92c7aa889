import { Injectable } from '@nestjs/common';
import { AuditService, type Actor } from '#libs/audit';
import { type VendorId, paginate } from '#libs/common';
import type { AuditPageView } from './vendors.dto.js';
import { auditEntryView } from './views.js';

type Cursor = { i: string };
const isCursor = (v: unknown): v is Cursor =>
  typeof v === 'object' && v !== null && /^\d{1,19}$/.test(String((v as Cursor).i));

/** A vendor's audit log in keyset pages. */
@Injectable()
export class AuditLogService {
  constructor(private readonly audit: AuditService) {}

  /** Reading the audit log is itself audited (`audit_log.read`, with the filters used). */
  async page(
    actor: Actor,
    vendorId: VendorId,
    q: { entity?: string; entity_id?: string; since?: Date; limit?: number; cursor?: string },
  ): Promise<AuditPageView> {
    const page = await paginate(
      { limit: q.limit ?? 50, cursor: q.cursor },
      { isValid: isCursor, of: (row) => ({ i: row.id }) },
      (after, limit) =>
        this.audit.listForVendor(vendorId, {
          entity: q.entity,
          entityId: q.entity_id,
          since: q.since,
          limit,
          afterId: after?.i,
        }),
      auditEntryView,
    );
    await this.audit.record(actor, {
      action: 'audit_log.read',
      entity: 'audit_log',
      after: { entity: q.entity ?? null, entity_id: q.entity_id ?? null, rows: page.data.length },
    });
    return page;
  }
}
