import { Injectable } from '@nestjs/common';
import { AuditService, type Actor } from '#libs/audit';
import { decodeCursor, encodeCursor, type VendorId } from '#libs/common';
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
    const limit = q.limit ?? 50;
    const rows = await this.audit.listForVendor(vendorId, {
      entity: q.entity,
      entityId: q.entity_id,
      since: q.since,
      limit: limit + 1,
      afterId: decodeCursor(q.cursor, isCursor)?.i,
    });
    await this.audit.record(actor, {
      action: 'audit_log.read',
      entity: 'audit_log',
      after: { entity: q.entity ?? null, entity_id: q.entity_id ?? null, rows: Math.min(rows.length, limit) },
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map(auditEntryView),
      next_cursor: rows.length > limit && last ? encodeCursor({ i: last.id }) : null,
    };
  }
}
