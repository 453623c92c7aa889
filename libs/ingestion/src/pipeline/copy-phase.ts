import { Inject, Injectable } from '@nestjs/common';
import copyStreams from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { CsvToCopy, type CsvHeader } from '../csv/csv-to-copy.js';
import type { ColumnMapping } from '../fields.js';
import { IngestJobsRepository, type IngestJobRow } from '../ingest-jobs.repository.js';
import { copySql, createStagingSql, digestSalt, jobTables } from '../sql.js';
import { UPLOAD_STORE } from '../tokens.js';
import type { UploadStore } from '../upload-store.js';
import { BulkTargets } from './bulk-targets.js';
import type { Conn } from './ingest-connections.js';

/**
 * Phase 1: the upload streamed through the CSV tokenizer into COPY, into an unlogged all-text
 * staging table (mapped columns only). Returns the number of records, and how many of them carry
 * warnings.
 */
@Injectable()
export class CopyPhase {
  constructor(
    private readonly jobs: IngestJobsRepository,
    @Inject(UPLOAD_STORE) private readonly uploads: UploadStore,
    private readonly targets: BulkTargets,
  ) {}

  async run(job: IngestJobRow, { client }: Conn, header: CsvHeader, mapping: ColumnMapping, resume: boolean) {
    const t = jobTables(job.id);
    const target = this.targets.of(job.mode);
    await client.query(createStagingSql(t.stage, mapping));
    let lastReport = 0;
    const toCopy = new CsvToCopy({
      fieldCount: header.names.length,
      columns: mapping.used.map((u) => u.index),
      // lines carry a digest where the target keeps them, so a re-ingest can skip the unchanged ones
      ...(target.digests ? { digestSalt: digestSalt(mapping) } : {}),
      // codes stored as the owner stores them (canonical), with the line's warnings
      transform: target.lineTransform(
        mapping.used.map((u) => ({ column: u.field.column, header: u.header })),
      ),
      onProgress: (n) => {
        if (resume || Date.now() - lastReport < 1000) return;
        lastReport = Date.now();
        void this.jobs.update(job.id, { rows_processed: n }).catch(() => undefined);
      },
    });
    await pipeline(
      await this.uploads.read(job.id),
      toCopy,
      client.query(copyStreams.from(copySql(t.stage, mapping))),
    );
    return { records: toCopy.records, warned: toCopy.warned };
  }
}
