import { Injectable } from '@nestjs/common';
import { ProductsBulkTarget } from '#libs/catalogue';
import { CustomersBulkTarget } from '#libs/customers';
import type { BulkJob, BulkTarget } from '#libs/db';
import type { ColumnMapping, IngestMode } from '../fields.js';
import type { IngestJobRow } from '../ingest-jobs.repository.js';
import { jobTables, stagingColumn, targetColumns } from '../sql.js';
import type { Conn, IngestConnections } from './ingest-connections.js';
import type { BulkSession } from '#libs/db';

/** Which owner takes each kind of file: the catalogue lib's products, the customers lib's customers. */
@Injectable()
export class BulkTargets {
  private readonly targets: Record<IngestMode, BulkTarget>;

  constructor(products: ProductsBulkTarget, customers: CustomersBulkTarget) {
    this.targets = { products, customers };
  }

  of(mode: IngestMode): BulkTarget {
    return this.targets[mode];
  }
}

/** The job as its target sees it. */
export function bulkJob(job: IngestJobRow, mapping: ColumnMapping, parts: number): BulkJob {
  return {
    id: job.id,
    vendorId: job.vendor_id,
    createdBy: job.created_by,
    tables: jobTables(job.id),
    columns: targetColumns(mapping).map((c) => c.column),
    externalIdColumn: stagingColumn(mapping.used.find((u) => u.field.column === 'external_id')!.field),
    parts,
  };
}

/** The pipeline's connections as a target uses them. */
export function bulkSession(conn: Conn, connections: IngestConnections): BulkSession {
  return {
    client: conn.client,
    manager: conn.runner.manager,
    parallel: (statements) => connections.parallel(statements),
    rowEstimate: (table) => connections.rowEstimate(conn.client, table),
  };
}
