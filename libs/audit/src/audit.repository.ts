import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { execute, rowsOf } from '#libs/db';
import { auditInsertSql } from './audit-insert.js';
import type { Actor, AuditEntry, AuditQuery, AuditRecord } from './audit.types.js';

/** The append-only audit_log: rows are only ever inserted (the database refuses the rest). */
@Injectable()
export class AuditRepository {
  constructor(private readonly db: DataSource) {}

  async append(actor: Actor, entries: AuditEntry[], manager?: EntityManager): Promise<void> {
    if (entries.length === 0) return;
    const { sql, params } = auditInsertSql(actor, entries, 1);
    await execute(manager ?? this.db.manager, sql, params);
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
