import { Inject, Injectable } from '@nestjs/common';
import copyStreams from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { CsvToCopy, type CsvHeader } from '../csv/csv-to-copy.js';
import { lineTransform } from '../csv/line-transform.js';
import type { ColumnMapping } from '../fields.js';
import { IngestJobsRepository, type IngestJobRow } from '../ingest-jobs.repository.js';
import { copySql, createStagingSql, digestSalt, jobTables } from '../sql.js';
import { UPLOAD_STORE } from '../tokens.js';
import type { UploadStore } from '../upload-store.js';
import type { Conn } from './ingest-connections.js';

/**
 * Phase 1: the upload streamed through the CSV tokenizer into COPY, into an unlogged all-text
 * staging table (mapped columns only). Returns the number of records.
 */
@Injectable()
export class CopyPhase {
  constructor(
    private readonly jobs: IngestJobsRepository,
    @Inject(UPLOAD_STORE) private readonly uploads: UploadStore,
  ) {}

  async run(job: IngestJobRow, { client }: Conn, header: CsvHeader, mapping: ColumnMapping, resume: boolean) {
    const t = jobTables(job.id);
    await client.query(createStagingSql(t.stage, mapping));
    let lastReport = 0;
    const toCopy = new CsvToCopy({
      fieldCount: header.names.length,
      columns: mapping.used.map((u) => u.index),
      // products lines carry a digest, so a re-ingest can skip the unchanged ones
      ...(job.mode === 'products' ? { digestSalt: digestSalt(mapping) } : {}),
      transform: lineTransform(job.mode, mapping),
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
    return toCopy.records;
  }
}
