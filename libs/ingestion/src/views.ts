import type { FeedRow } from './feeds.repository.js';
import type { FeedView, IngestJobView } from './ingest.dto.js';
import type { IngestJobRow } from './ingest-jobs.repository.js';

const n = (v: string | null) => (v === null ? null : Number(v));

export function jobView(j: IngestJobRow): IngestJobView {
  const total = n(j.rows_total);
  const processed = Number(j.rows_processed);
  const progress =
    j.status === 'completed'
      ? 1
      : total && total > 0
        ? Math.min(0.99, Math.round((processed / total) * 1000) / 1000)
        : 0;
  return {
    job_id: j.id,
    mode: j.mode,
    source: j.source,
    feed_id: j.feed_id,
    status: j.status,
    phase: j.phase,
    rows_total: total,
    rows_processed: processed,
    rows_inserted: Number(j.rows_inserted),
    rows_updated: Number(j.rows_updated),
    rows_unchanged: Number(j.rows_unchanged),
    rows_failed: Number(j.rows_failed),
    warnings: j.warning_counts ?? {},
    progress,
    upload_bytes: n(j.upload_bytes),
    columns: j.columns,
    phase_seconds: j.phase_seconds,
    attempts: j.attempts,
    error: j.error,
    created_at: j.created_at.toISOString(),
    uploaded_at: j.uploaded_at?.toISOString() ?? null,
    started_at: j.started_at?.toISOString() ?? null,
    finished_at: j.finished_at?.toISOString() ?? null,
  };
}

export function feedView(f: FeedRow): FeedView {
  return {
    id: f.id,
    url: f.url,
    mode: f.mode,
    cron: f.cron,
    header_names: f.header_names,
    enabled: f.enabled,
    last_job_id: f.last_job_id,
    last_run_at: f.last_run_at?.toISOString() ?? null,
    created_at: f.created_at.toISOString(),
  };
}
