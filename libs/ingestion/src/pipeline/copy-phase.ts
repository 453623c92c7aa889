import { Inject, Injectable } from '@nestjs/common';
import copyStreams from 'pg-copy-streams';
import { AppConfig } from '#libs/config';
import { pipeline } from 'node:stream/promises';
import { CsvToCopy, type CsvHeader } from '../csv/csv-to-copy.js';
import { DigestSet } from '../csv/digest-set.js';
import type { ColumnMapping } from '../fields.js';
import { IngestJobsRepository, type IngestJobRow } from '../ingest-jobs.repository.js';
import { copySql, createStagingSql, digestSalt, jobTables, warningCountsSql } from '../sql.js';
import { UPLOAD_STORE } from '../tokens.js';
import type { UploadStore } from '../upload-store.js';
import { BulkTargets, bulkJob, bulkSession } from './bulk-targets.js';
import { IngestConnections, type Conn } from './ingest-connections.js';
import { WarningWriter } from './warning-writer.js';

/**
 * The most digests a re-ingest holds in memory (DigestSet: ≤ 46 bytes each, 128 MB at this
 * count); a vendor with more has its unchanged lines found in SQL after the copy.
 */
export const MAX_HELD_DIGESTS = 4_000_000;

/**
 * Phase 1: the upload streamed through the CSV tokenizer into COPY, into an unlogged all-text
 * staging table (mapped columns only); the lines' warnings recorded. On a re-ingest of a good share
 * of a catalogue, the digests of its rows are read first and each line whose digest is among them
 * is staged as unchanged (its key alone). The lines' warnings are written as they come, on a
 * connection of their own. Returns the number of records, and whether unchanged lines were marked.
 */
@Injectable()
export class CopyPhase {
  constructor(
    private readonly jobs: IngestJobsRepository,
    @Inject(UPLOAD_STORE) private readonly uploads: UploadStore,
    private readonly targets: BulkTargets,
    private readonly connections: IngestConnections,
    private readonly config: AppConfig,
  ) {}

  async run(
    job: IngestJobRow,
    conn: Conn,
    header: CsvHeader,
    mapping: ColumnMapping,
    { resume, firstLoad }: { resume: boolean; firstLoad: boolean },
  ): Promise<{ records: number; marked: boolean }> {
    const { client } = conn;
    const t = jobTables(job.id);
    const target = this.targets.of(job.mode);
    await client.query(createStagingSql(t.stage, mapping));
    const digests = firstLoad ? null : await this.heldDigests(job, conn, mapping);
    let lastReport = 0;
    const warnings = new WarningWriter(this.connections, job.id);
    const toCopy: CsvToCopy = new CsvToCopy({
      fieldCount: header.names.length,
      columns: mapping.used.map((u) => u.index),
      // lines carry a digest where the target keeps them, so a re-ingest can skip the unchanged ones
      ...(target.digests ? { digestSalt: digestSalt(mapping) } : {}),
      ...(digests
        ? {
            unchanged: {
              digests,
              keyColumn: mapping.used.findIndex((u) => u.field.column === 'external_id'),
            },
          }
        : {}),
      // codes stored as the owner stores them (canonical), with the line's warnings
      transform: target.lineTransform(
        mapping.used.map((u) => ({ column: u.field.column, header: u.header })),
      ),
      onProgress: (n) => {
        warnings.write(toCopy.warnings.take());
        if (resume || Date.now() - lastReport < 1000) return;
        lastReport = Date.now();
        void this.jobs.update(job.id, { rows_processed: n }).catch(() => undefined);
      },
    });
    try {
      await pipeline(
        await this.uploads.read(job.id),
        toCopy,
        client.query(copyStreams.from(copySql(t.stage, mapping))),
      );
      warnings.write(toCopy.warnings.take());
      await warnings.finish();
    } finally {
      await warnings.close();
    }
    await client.query(warningCountsSql(job.id), [JSON.stringify(toCopy.warnings.counts)]);
    return { records: toCopy.records, marked: digests !== null };
  }

  /** The catalogue's digests, when the target finds holding them worth it and they fit. */
  private async heldDigests(
    job: IngestJobRow,
    conn: Conn,
    mapping: ColumnMapping,
  ): Promise<DigestSet | null> {
    const target = this.targets.of(job.mode);
    if (!target.unchangedDigests) return null;
    const session = bulkSession(conn, this.connections);
    const bulk = bulkJob(job, mapping, this.config.ingest.parallelism);
    const sql = await target.unchangedDigests(bulk, session, Number(job.upload_bytes ?? 0));
    if (sql === null) return null;
    const set = await DigestSet.fromBinaryCopy(
      conn.client.query(
        copyStreams.to(`COPY (${sql} LIMIT ${MAX_HELD_DIGESTS + 1}) TO STDOUT (FORMAT binary)`),
      ),
    );
    return set.size > MAX_HELD_DIGESTS ? null : set;
  }
}
