import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { execute, firstRow, rowsOf } from '#libs/db';
import { type IngestFeed } from './ingestion.entities.js';
import type { VendorId } from '#libs/common';
import type { IngestMode } from './fields.js';

/** A feed as the code reads it: the entity, with its mapping narrowed. */
export type FeedRow = IngestFeed & { mapping: Record<string, string> | null };

/** ingest_feeds: vendor-scoped reads and writes, plus the worker's read by id. */
@Injectable()
export class FeedsRepository {
  constructor(private readonly db: DataSource) {}

  async insert(
    m: EntityManager,
    vendorId: VendorId,
    f: {
      id: string;
      url: string;
      mode: IngestMode;
      cron: string;
      mapping: Record<string, string> | null;
      secretId: string | null;
      headerNames: string[];
      createdBy: string;
    },
  ): Promise<FeedRow> {
    const rows = await rowsOf<FeedRow>(
      m,
      `INSERT INTO ingest_feeds (id, vendor_id, url, mode, cron, mapping, headers_secret_id, header_names, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [
        f.id,
        vendorId,
        f.url,
        f.mode,
        f.cron,
        f.mapping ? JSON.stringify(f.mapping) : null,
        f.secretId,
        f.headerNames,
        f.createdBy,
      ],
    );
    return rows[0]!;
  }

  list(vendorId: VendorId): Promise<FeedRow[]> {
    return rowsOf<FeedRow>(
      this.db,
      `SELECT * FROM ingest_feeds WHERE vendor_id = $1 ORDER BY created_at, id`,
      [vendorId],
    );
  }

  async find(
    vendorId: VendorId,
    id: string,
    m: EntityManager | DataSource = this.db,
  ): Promise<FeedRow | null> {
    const row = await firstRow<FeedRow>(m, `SELECT * FROM ingest_feeds WHERE vendor_id = $1 AND id = $2`, [
      vendorId,
      id,
    ]);
    return row ?? null;
  }

  /** The feed a worker was handed (the payload was written by the api or the feed's schedule). */
  async findForWorker(id: string): Promise<FeedRow | null> {
    const row = await firstRow<FeedRow>(this.db, `SELECT * FROM ingest_feeds WHERE id = $1`, [id]);
    return row ?? null;
  }

  async delete(m: EntityManager, vendorId: VendorId, id: string): Promise<void> {
    await execute(m, `DELETE FROM ingest_feeds WHERE vendor_id = $1 AND id = $2`, [vendorId, id]);
  }

  async markRun(m: EntityManager, id: string, jobId: string): Promise<void> {
    await execute(m, `UPDATE ingest_feeds SET last_job_id = $2, last_run_at = now() WHERE id = $1`, [
      id,
      jobId,
    ]);
  }
}
