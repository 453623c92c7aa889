import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { execute, rowsOf } from '#libs/db';
import type { Actor, AuditEntry, AuditQuery, AuditRecord } from './audit.types.js';

/** The append-only audit_log: rows are only ever inserted (the database refuses the rest). */
@Injectable()
export class AuditRepository {
  constructor(private readonly db: DataSource) {}

  async append(actor: Actor, entries: AuditEntry[], manager?: EntityManager): Promise<void> {
    if (entries.length === 0) return;
    // every entry is some vendor's (platform-admin actions name the vendor acted on)
    if (!actor.vendorId) throw new Error('An audit entry needs the vendor it concerns (actor.vendorId)');
    await execute(
      manager ?? this.db.manager,
      `INSERT INTO audit_log (vendor_id, actor_id, actor_role, action, entity, entity_id, before, after, ip, user_agent)
       SELECT $1, $2, $3, e.action, e.entity, e.entity_id, e.before, e.after, $4, $5
         FROM jsonb_to_recordset($6::jsonb)
           AS e(action text, entity text, entity_id text, before jsonb, after jsonb)`,
      [
        actor.vendorId,
        actor.id,
        actor.role,
        actor.ip,
        actor.userAgent,
        JSON.stringify(
          entries.map((e) => ({
            action: e.action,
            entity: e.entity,
            entity_id: e.entityId ?? null,
            before: e.before ?? null,
            after: e.after ?? null,
          })),
        ),
      ],
    );
  }

  /** One vendor's entries, newest first. */
  async listForVendor(vendorId: string, q: AuditQuery): Promise<AuditRecord[]> {
    return rowsOf<AuditRecord>(
      this.db,
      `SELECT id::text, occurred_at, vendor_id, actor_id, actor_role, action, entity, entity_id,
              before, after, ip, user_agent
         FROM audit_log a
        WHERE a.vendor_id = $1
          AND ($2::text IS NULL OR a.entity = $2)
          AND ($3::text IS NULL OR a.entity_id = $3)
          AND ($4::timestamptz IS NULL OR a.occurred_at >= $4)
          AND ($5::bigint IS NULL OR a.id < $5)
        ORDER BY a.id DESC
        LIMIT $6`,
      [vendorId, q.entity ?? null, q.entityId ?? null, q.since ?? null, q.afterId ?? null, q.limit],
    );
  }

  /** Creates this month's partition and the next two (idempotent); returns how many were new. */
  async ensurePartitions(): Promise<number> {
    const rows = await rowsOf<{ created: number }>(
      this.db,
      `SELECT ensure_audit_log_partitions(current_date, 2) AS created`,
    );
    return rows[0]?.created ?? 0;
  }
}
