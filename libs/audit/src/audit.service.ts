import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { VaultService } from '#libs/vault';
import { auditInsertSql } from './audit-insert.js';
import { AuditRepository } from './audit.repository.js';
import type { Actor, AuditEntry, AuditQuery, AuditRecord } from './audit.types.js';

@Injectable()
export class AuditService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly vault: VaultService,
  ) {}

  /**
   * The before/after of a change to sensitive data (health profiles) as the audit log keeps it:
   * the names of the fields that changed and a keyed digest of each whole version — never the
   * values. The append-only log then outlives the data (a deleted vendor, a replaced profile)
   * without keeping any of it, and still shows what changed and whether two versions are equal.
   */
  sensitiveChange<T extends object>(
    beforeValue: T | null,
    afterValue: T | null,
  ): { before: unknown; after: unknown } {
    const before = beforeValue as Record<string, unknown> | null;
    const after = afterValue as Record<string, unknown> | null;
    const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
    const changed = keys.filter(
      (k) => JSON.stringify(before?.[k] ?? null) !== JSON.stringify(after?.[k] ?? null),
    );
    const digest = (v: Record<string, unknown> | null) =>
      v && this.vault.digest('audit', JSON.stringify(keys.map((k) => [k, v[k] ?? null])));
    return {
      before: before && { digest: digest(before) },
      after: after && { changed_fields: changed, digest: digest(after) },
    };
  }

  /**
   * What an erasure leaves in the log of the data it erased: the names of the fields that held a
   * value and a keyed digest of the whole — never the values (the log outlives the data).
   */
  erased(value: Record<string, unknown>): { fields: string[]; digest: string } {
    const fields = Object.keys(value)
      .filter(
        (k) =>
          value[k] !== null &&
          value[k] !== undefined &&
          !(Array.isArray(value[k]) && (value[k] as unknown[]).length === 0),
      )
      .sort();
    return { fields, digest: this.vault.digest('audit', JSON.stringify(fields.map((k) => [k, value[k]]))) };
  }

  /** Appends entries; pass the transaction's manager so the entry commits with the change. */
  record(actor: Actor, entries: AuditEntry | AuditEntry[], manager?: EntityManager): Promise<void> {
    return this.audit.append(actor, Array.isArray(entries) ? entries : [entries], manager);
  }

  /**
   * The entry as a data-modifying CTE for the caller's statement (`WITH x AS (…), audited AS
   * (<sql>) …`): appended once for each row of `from`, none when it has none, in the same
   * statement and commit as the access it records. Parameters are numbered from `$first`.
   */
  recordFor(
    actor: Actor,
    entry: AuditEntry,
    from: string,
    first: number,
  ): { sql: string; params: unknown[] } {
    return auditInsertSql(actor, [entry], first, from);
  }

  listForVendor(vendorId: string, query: AuditQuery): Promise<AuditRecord[]> {
    return this.audit.listForVendor(vendorId, query);
  }

  ensurePartitions(): Promise<number> {
    return this.audit.ensurePartitions();
  }
}
