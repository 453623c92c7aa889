import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Injectable()
export class ReportMaintenanceRepository {
  constructor(private readonly db: DataSource) {}

  /** Soft-expires reports past expires_at; returns how many. */
  async expireDue(): Promise<number> {
    const rows: unknown[] = await this.db.query(
      `WITH u AS (UPDATE reports SET is_expired = true WHERE NOT is_expired AND expires_at <= now() RETURNING 1) SELECT * FROM u`,
    );
    return rows.length;
  }

  async ensurePartitions(monthsAhead: number): Promise<number> {
    const [{ created }] = await this.db.query(`SELECT ensure_report_access_log_partitions($1) AS created`, [
      monthsAhead,
    ]);
    return created as number;
  }

  /** Drops monthly partitions that end before the retention horizon, and old rows of the default one. */
  async dropOlderThan(days: number): Promise<string[]> {
    const rows: { name: string }[] = await this.db.query(
      `SELECT name FROM drop_report_access_log_partitions($1) AS name`,
      [days],
    );
    return rows.map((r) => r.name);
  }

  /** Deletes LLM call logs older than `days`; returns how many. */
  async purgeLlmLogs(days: number): Promise<number> {
    const rows: unknown[] = await this.db.query(
      `WITH d AS (DELETE FROM llm_api_logs WHERE created_at < now() - make_interval(days => $1) RETURNING 1)
       SELECT * FROM d`,
      [days],
    );
    return rows.length;
  }

  async stats(days: number) {
    const [counts, latency, cost, fallbacks, llmErrors] = await Promise.all([
      this.db.query(`SELECT status, count(*)::int AS count FROM reports GROUP BY status ORDER BY status`),
      this.db.query(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s)::float AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY s)::float AS p95,
                count(*)::int AS n
           FROM (SELECT extract(epoch FROM completed_at - queued_at) AS s FROM report_revisions
                  WHERE status = 'completed' AND completed_at > now() - make_interval(days => $1)) x`,
        [days],
      ),
      this.db.query(
        `SELECT to_char(date_trunc('day', created_at), 'YYYY-MM-DD') AS day, count(*)::int AS calls,
                COALESCE(sum(cost_usd), 0)::float AS cost_usd, COALESCE(sum(input_tokens), 0)::int AS input_tokens,
                COALESCE(sum(output_tokens), 0)::int AS output_tokens
           FROM llm_api_logs WHERE created_at > now() - make_interval(days => $1) GROUP BY 1 ORDER BY 1`,
        [days],
      ),
      this.db.query(
        `SELECT count(*)::int AS n FROM report_revisions
          WHERE fallback_reason IS NOT NULL AND completed_at > now() - make_interval(days => $1)`,
        [days],
      ),
      this.db.query(
        `SELECT coalesce(error_kind, 'other') AS kind, count(*)::int AS count FROM llm_api_logs
          WHERE status = 'error' AND created_at > now() - make_interval(days => $1) GROUP BY 1 ORDER BY 1`,
        [days],
      ),
    ]);
    return { counts, latency: latency[0], cost, fallbacks: fallbacks[0].n as number, llm_errors: llmErrors };
  }
}
