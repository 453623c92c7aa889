import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService, type Actor } from '#libs/audit';
import {
  firstRow,
  type BulkCounts,
  type BulkJob,
  type BulkSession,
  type BulkTarget,
  type LineWarning,
  type LoadPlan,
  type LoadTree,
  type StagedColumn,
} from '#libs/db';
import { canonicalDietTags, normaliseAllergens, splitList } from '#libs/food-vocabulary';
import { Customer, CustomerHealth } from '../customers.entities.js';
import { batchSql, firstLoadSql, importedTables, limitsSql, type ImportSource } from './import-sql.js';

/**
 * Customers files into `customers` and `customer_health` (the customers lib's set-based way in
 * for many customers at once): identity and health merged from the typed lines in line ranges,
 * each range in the pipeline's transaction and audited there, like every single write through
 * HealthProfileService; BMR, TDEE and derived limits computed by the SQL functions the API uses.
 * Rejected values never reach errors.csv (health data).
 */
@Injectable()
export class CustomersBulkTarget implements BulkTarget {
  readonly digests = false;
  readonly withholdValues = true;
  // one at a time, as measured: each batch also writes its audit entry (two at once not measured)
  readonly independentBatches = false;
  // the batches also group by conditions: every column's statistics
  readonly batchStatistics = null;

  constructor(private readonly audit: AuditService) {}

  /** Identity always; health when the file has a health column. */
  parents(columns?: string[]): string[] {
    return columns ? importedTables(columns) : ['customers', 'customer_health'];
  }

  lineTransform(columns: StagedColumn[]): ((values: string[]) => readonly LineWarning[] | null) | undefined {
    const a = columns.findIndex((c) => c.column === 'allergies');
    const p = columns.findIndex((c) => c.column === 'dietary_preferences');
    if (a < 0 && p < 0) return undefined;
    return (values) => {
      const warnings: LineWarning[] = [];
      if (a >= 0) {
        const allergies = normaliseAllergens(splitList(values[a]!));
        values[a] = allergies.codes.join('|');
        for (const code of allergies.unknown)
          warnings.push({
            column: columns[a]!.header,
            code,
            reason: 'unknown_allergen',
            message: `"${code}" is not in the allergen vocabulary: kept as written, matched only by that code`,
          });
      }
      if (p >= 0) {
        const preferences = canonicalDietTags(splitList(values[p]!));
        values[p] = preferences.codes.join('|');
        for (const code of preferences.unknown)
          warnings.push({
            column: columns[p]!.header,
            code,
            reason: 'unknown_diet_tag',
            message: `"${code}" is not in the diet-tag vocabulary: kept as written`,
          });
      }
      return warnings.length ? warnings : null;
    };
  }

  /** Derives the limits of each distinct condition set once, before the batches (outside a transaction). */
  async prepareMerge(job: BulkJob, { manager }: BulkSession): Promise<void> {
    const sql = limitsSql(source(job), job.vendorId);
    if (sql) await manager.query(sql);
  }

  /**
   * Merges lines [from, to) in the pipeline's transaction: rows that would change nothing are left
   * alone; the audit entry (who, which import, which lines, the counts) commits with the data.
   */
  async mergeBatch(
    job: BulkJob,
    { manager }: BulkSession,
    lines: { from: number; to: number },
  ): Promise<BulkCounts> {
    const r = await firstRow<{ inserted: number; updated: number; total: number }>(
      manager,
      batchSql(source(job), job.vendorId),
      [lines.from, lines.to],
    );
    const { inserted, updated, total } = r!;
    const counts = { inserted, updated, unchanged: total - inserted - updated };
    if (inserted + updated > 0) await this.recordImport(manager, job, lines, counts);
    return counts;
  }

  /**
   * A vendor's first import (it has no customers): `customers` (and `customer_health`, when the
   * file has health columns) built beside the live partitions, `parts` statements per table, each a
   * slice of the lines; the audit entry commits with the swap.
   */
  async firstLoad(job: BulkJob, session: BulkSession, valid: number): Promise<LoadPlan> {
    const { load, loadHealth, typed } = job.tables;
    const withHealth = importedTables(job.columns).includes('customer_health');
    await this.prepareMerge(job, session);
    const trees: LoadTree[] = [{ parent: 'customers', entity: Customer, load }];
    if (withHealth) trees.push({ parent: 'customer_health', entity: CustomerHealth, load: loadHealth });
    const into = { customers: load, health: withHealth ? loadHealth : undefined };
    return {
      trees,
      fill: Array.from({ length: job.parts }, (_, part) =>
        firstLoadSql(source(job), job.vendorId, into, part, job.parts),
      ).flat(),
      onSwap: async (s) => {
        const { rows } = await s.client.query<{ max: string }>(`SELECT max(line_no) AS max FROM ${typed}`);
        const lines = { from: 1, to: Number(rows[0]!.max) + 1 };
        await this.recordImport(s.manager, job, lines, { inserted: valid, updated: 0, unchanged: 0 });
      },
    };
  }

  private async recordImport(
    manager: EntityManager,
    job: BulkJob,
    lines: { from: number; to: number },
    counts: BulkCounts,
  ): Promise<void> {
    const actor: Actor = {
      id: job.createdBy,
      role: 'ingest',
      vendorId: job.vendorId,
      ip: null,
      userAgent: null,
    };
    await this.audit.record(
      actor,
      {
        action: 'customer.health_profiles.imported',
        entity: 'ingest_job',
        entityId: job.id,
        after: { lines: [lines.from, lines.to - 1], ...counts },
      },
      manager,
    );
  }
}

/** The typed lines as import-sql.ts reads them. */
const source = (job: BulkJob): ImportSource => ({
  table: job.tables.typed,
  limits: job.tables.limits,
  columns: job.columns,
});
