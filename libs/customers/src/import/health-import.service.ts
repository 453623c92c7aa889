import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService, type Actor } from '#libs/audit';
import type { VendorId } from '#libs/common';
import { firstRow } from '#libs/db';
import { batchSql, importedTables, limitsSql, type ImportSource } from './import-sql.js';

export type { ImportSource };

export interface ImportCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * The customers lib's set-based way in for many customers at once (CSV ingestion): identity and
 * health merged from a staged relation in line ranges, each range in the caller's transaction and
 * audited there, like every single write through HealthProfileService.
 */
@Injectable()
export class HealthImportService {
  constructor(private readonly audit: AuditService) {}

  /** The tables an import of these columns writes (for the caller's VACUUM/ANALYZE afterwards). */
  tablesWritten(columns: string[]): string[] {
    return importedTables(columns);
  }

  /** Derives the limits of each distinct condition set once, before the batches (outside a transaction). */
  async prepare(manager: EntityManager, vendorId: VendorId, source: ImportSource): Promise<void> {
    const sql = limitsSql(source, vendorId);
    if (sql) await manager.query(sql);
  }

  /**
   * Merges lines [from, to) in the caller's transaction: rows that would change nothing are left
   * alone; the audit entry (who, which import, which lines, the counts) commits with the data.
   */
  async importBatch(
    manager: EntityManager,
    actor: Actor,
    source: ImportSource & { vendorId: VendorId; reference: { entity: string; id: string } },
    lines: { from: number; to: number },
  ): Promise<ImportCounts> {
    const r = await firstRow<{ inserted: number; updated: number; total: number }>(
      manager,
      batchSql(source, source.vendorId),
      [lines.from, lines.to],
    );
    const { inserted, updated, total } = r!;
    const counts = { inserted, updated, unchanged: total - inserted - updated };
    if (inserted + updated > 0) {
      await this.audit.record(
        actor,
        {
          action: 'customer.health_profiles.imported',
          entity: source.reference.entity,
          entityId: source.reference.id,
          after: { lines: [lines.from, lines.to - 1], ...counts },
        },
        manager,
      );
    }
    return counts;
  }
}
