/** Views the ingestion lib publishes for other libs (libs/db schema-source.ts creates them, `security_invoker`). */
export const VIEWS: Record<string, string> = {
  /** Completed ingests: when each vendor's data last changed by file (insights' freshness). */
  ingest_completions: `SELECT vendor_id, mode, finished_at FROM ingest_jobs WHERE status = 'completed'`,
};
