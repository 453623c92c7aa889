import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { affectedRows, rowsOf, firstRow } from '#libs/db';
import { type Report } from '../reports.entities.js';

@Injectable()
export class ReportMaintenanceRepository {
  constructor(private readonly db: DataSource) {}

  /** Soft-expires reports past expires_at; returns how many. */
  async expireDue(): Promise<number> {
    const changed = await affectedRows(
      this.db,
      `UPDATE reports SET is_expired = true WHERE NOT is_expired AND expires_at <= now()`,
    );
    return changed;
  }

  async ensurePartitions(monthsAhead: number): Promise<number> {
    const row = await firstRow<{ created: number }>(
      this.db,
      `SELECT ensure_report_access_log_partitions($1) AS created`,
      [monthsAhead],
    );
    return row?.created ?? 0;
  }

  /** Drops monthly partitions that end before the retention horizon, and old rows of the default one. */
  async dropOlderThan(days: number): Promise<string[]> {
    const rows = await rowsOf<{ name: string }>(
      this.db,
      `SELECT name FROM drop_report_access_log_partitions($1) AS name`,
      [days],
    );
    return rows.map((r) => r.name);
  }

  /** Deletes LLM call logs older than `days`; returns how many. */
  async purgeLlmLogs(days: number): Promise<number> {
    return affectedRows(
      this.db,
      `DELETE FROM llm_api_logs WHERE created_at < now() - make_interval(days => $1)`,
      [days],
    );
  }

  async stats(days: number) {
    const [counts, latency, cost, fallbacks, llmErrors] = await Promise.all([
      rowsOf<Pick<Report, 'status'> & { count: number }>(
        this.db,
        `SELECT status, count(*)::int AS count FROM reports GROUP BY status ORDER BY status`,
      ),
      firstRow<{ p50: number | null; p95: number | null; n: number }>(
        this.db,
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s)::float AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY s)::float AS p95,
                count(*)::int AS n
           FROM (SELECT extract(epoch FROM completed_at - queued_at) AS s FROM report_revisions
                  WHERE status = 'completed' AND completed_at > now() - make_interval(days => $1)) x`,
        [days],
      ),
      rowsOf<{ day: string; calls: number; cost_usd: number; input_tokens: number; output_tokens: number }>(
        this.db,
        `SELECT to_char(date_trunc('day', created_at), 'YYYY-MM-DD') AS day, count(*)::int AS calls,
                COALESCE(sum(cost_usd), 0)::float AS cost_usd, COALESCE(sum(input_tokens), 0)::int AS input_tokens,
                COALESCE(sum(output_tokens), 0)::int AS output_tokens
           FROM llm_api_logs WHERE created_at > now() - make_interval(days => $1) GROUP BY 1 ORDER BY 1`,
        [days],
      ),
      firstRow<{ n: number }>(
        this.db,
        `SELECT count(*)::int AS n FROM report_revisions
          WHERE fallback_reason IS NOT NULL AND completed_at > now() - make_interval(days => $1)`,
        [days],
      ),
      rowsOf<{ kind: string; count: number }>(
        this.db,
        `SELECT coalesce(error_kind, 'other') AS kind, count(*)::int AS count FROM llm_api_logs
          WHERE status = 'error' AND created_at > now() - make_interval(days => $1) GROUP BY 1 ORDER BY 1`,
        [days],
      ),
    ]);
    return { counts, latency, cost, fallbacks: fallbacks?.n ?? 0, llm_errors: llmErrors };
  }
}
