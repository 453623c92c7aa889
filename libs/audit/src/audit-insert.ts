import type { Actor, AuditEntry } from './audit.types.js';

/**
 * The append as SQL: an `INSERT INTO audit_log … SELECT` of `entries` for the actor, its parameters
 * numbered from `$first`, once for each row of `from` when given (a CTE of the statement it is part
 * of), once otherwise.
 */
export function auditInsertSql(
  actor: Actor,
  entries: AuditEntry[],
  first: number,
  from?: string,
): { sql: string; params: unknown[] } {
  // every entry is some vendor's (platform-admin actions name the vendor acted on)
  if (!actor.vendorId) throw new Error('An audit entry needs the vendor it concerns (actor.vendorId)');
  const $ = (i: number) => `$${first + i}`;
  return {
    sql: `INSERT INTO audit_log (vendor_id, actor_id, actor_role, action, entity, entity_id, before, after, ip, user_agent)
       SELECT ${$(0)}, ${$(1)}, ${$(2)}, e.action, e.entity, e.entity_id, e.before, e.after, ${$(3)}, ${$(4)}
         FROM jsonb_to_recordset(${$(5)}::jsonb)
           AS e(action text, entity text, entity_id text, before jsonb, after jsonb)${from ? `, ${from}` : ''}`,
    params: [
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
  };
}
