import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService, type Actor } from '#libs/audit';
import type { VendorId } from '#libs/common';
import { firstRow } from '#libs/db';
import {
  batchSql,
  firstLoadSql,
  importedTables,
  limitsSql,
  type FirstLoadTargets,
  type ImportSource,
} from './import-sql.js';

export type { FirstLoadTargets, ImportSource };

/** An import's source with the vendor it is for and what the audit entry names as its origin. */
export type VendorImport = ImportSource & { vendorId: VendorId; reference: { entity: string; id: string } };

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
    source: VendorImport,
    lines: { from: number; to: number },
  ): Promise<ImportCounts> {
    const r = await firstRow<{ inserted: number; updated: number; total: number }>(
      manager,
      batchSql(source, source.vendorId),
      [lines.from, lines.to],
    );
    const { inserted, updated, total } = r!;
    const counts = { inserted, updated, unchanged: total - inserted - updated };
    if (inserted + updated > 0) await this.recordImport(manager, actor, source, lines, counts);
    return counts;
  }

  /**
   * A vendor's first import (it has no customers): the statements that insert every staged row
   * into `into` — tables the caller created like `customers` / `customer_health`, without indexes —
   * `parts` of them per table, each a slice of the lines, to be run on connections of their own.
   * The caller swaps the tables in and calls `recordFirstLoad` in the transaction that does.
   */
  firstLoadStatements(source: VendorImport, into: FirstLoadTargets, parts: number): string[] {
    return Array.from({ length: parts }, (_, part) =>
      firstLoadSql(source, source.vendorId, into, part, parts),
    ).flat();
  }

  /** The audit entry of a first import (every valid line inserted), in the caller's transaction. */
  async recordFirstLoad(
    manager: EntityManager,
    actor: Actor,
    source: VendorImport,
    lines: { from: number; to: number },
    inserted: number,
  ): Promise<void> {
    await this.recordImport(manager, actor, source, lines, { inserted, updated: 0, unchanged: 0 });
  }

  private async recordImport(
    manager: EntityManager,
    actor: Actor,
    source: VendorImport,
    lines: { from: number; to: number },
    counts: ImportCounts,
  ): Promise<void> {
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
}
