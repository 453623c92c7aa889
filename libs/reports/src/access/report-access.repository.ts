import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { BookkeepingPool, execute, firstRow, GenerateSql, rowsOf } from '#libs/db';
import { type Report, type ReportRevision } from '../reports.entities.js';

/**
 * What serving a report needs: its row (revoked_reason says why it was taken back: refunded or
 * disputed), whether it is gone, and the buyer's first name.
 */
export type AccessibleReport = Pick<
  Report,
  | 'id'
  | 'tier'
  | 'status'
  | 'stage'
  | 'progress'
  | 'revision'
  | 'revisions_allowed'
  | 'expires_at'
  | 'revoked_reason'
  | 'generated_at'
> & { gone: boolean; first_name: string | null };

export type CompletedRevision = Pick<ReportRevision, 'revision'> & {
  sections: { key: string; number: number; title: string }[];
  markdown: string;
  html: string;
  completed_at: Date;
};

@Injectable()
export class ReportAccessRepository {
  constructor(
    private readonly db: DataSource,
    private readonly bookkeeping: BookkeepingPool,
  ) {}

  /**
   * Resolves a token and records the access in the same statement (one round trip per view).
   * Through the bookkeeping pool: an access-log row does not wait for the WAL flush.
   */
  @GenerateSql({ name: 'page', params: ['0f'.repeat(32), 'page', '203.0.113.9', 'Mozilla/5.0'] })
  async openAndLog(
    tokenHash: string,
    kind: string,
    ip: string | null,
    userAgent: string | null,
  ): Promise<AccessibleReport | null> {
    const row = await firstRow<AccessibleReport>(
      this.bookkeeping,
      `WITH r AS (
         SELECT r.id, r.tier, r.status, r.stage, r.progress, r.revision, r.revisions_allowed, r.expires_at, r.generated_at,
                (r.is_expired OR r.revoked_at IS NOT NULL OR t.revoked_at IS NOT NULL OR r.expires_at <= now()) AS gone,
                r.revoked_reason,
                s.profile->>'first_name' AS first_name
           FROM report_access_tokens t
           JOIN reports r ON r.id = t.report_id
           LEFT JOIN calculator_answers s ON s.id = r.session_id -- none once the buyer's data is erased
          WHERE t.token_hash = $1
       ), l AS (
         INSERT INTO report_access_log (report_id, kind, ip, user_agent, success, status)
         SELECT id, $2, $3::inet, $4, NOT gone, CASE WHEN gone THEN 410 ELSE 200 END FROM r
          WHERE r.revoked_reason IS DISTINCT FROM 'deleted' -- an erased person is not logged again
       )
       SELECT * FROM r`,
      [tokenHash, kind, ip && /^[0-9a-fA-F.:]+$/.test(ip) ? ip : null, userAgent?.slice(0, 500) ?? null],
      'report_open_and_log',
    );
    return row ?? null;
  }

  /** The address a report was bought with, for its token (null: unknown token, or data erased). */
  async ownerEmail(tokenHash: string): Promise<string | null> {
    const row = await firstRow<{ email: string | null }>(
      this.db,
      `SELECT r.email FROM report_access_tokens t JOIN reports r ON r.id = t.report_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
      [tokenHash],
    );
    return row?.email ?? null;
  }

  /** Just what the web page needs from the latest completed revision. */
  async latestPageHtml(reportId: string): Promise<{ revision: number; html: string } | null> {
    const row = await firstRow<{ revision: number; html: string }>(
      this.db,
      `SELECT revision, html FROM report_revisions WHERE report_id = $1 AND status = 'completed' ORDER BY revision DESC LIMIT 1`,
      [reportId],
    );
    return row ?? null;
  }

  async latestCompleted(reportId: string): Promise<CompletedRevision | null> {
    const row = await firstRow<CompletedRevision>(
      this.db,
      `SELECT revision, sections, markdown, html, completed_at FROM report_revisions
        WHERE report_id = $1 AND status = 'completed' ORDER BY revision DESC LIMIT 1`,
      [reportId],
    );
    return row ?? null;
  }

  async latestPdf(reportId: string): Promise<Buffer | null> {
    const rows = await rowsOf<{ pdf: Buffer }>(
      this.db,
      `SELECT pdf FROM report_revisions WHERE report_id = $1 AND status = 'completed' ORDER BY revision DESC LIMIT 1`,
      [reportId],
    );
    return rows[0]?.pdf ?? null;
  }

  async lockReport(
    m: EntityManager,
    reportId: string,
  ): Promise<Pick<Report, 'revision' | 'status' | 'revisions_allowed'> | null> {
    const row = await firstRow<Pick<Report, 'revision' | 'status' | 'revisions_allowed'>>(
      m,
      `SELECT revision, status, revisions_allowed FROM reports WHERE id = $1 FOR UPDATE`,
      [reportId],
    );
    return row ?? null;
  }

  async addRevision(m: EntityManager, reportId: string, revision: number): Promise<void> {
    await execute(m, `INSERT INTO report_revisions (report_id, revision) VALUES ($1, $2)`, [
      reportId,
      revision,
    ]);
    await execute(
      m,
      `UPDATE reports SET revision = $2, status = 'queued', stage = 0, progress = 0, failure_reason = NULL WHERE id = $1`,
      [reportId, revision],
    );
  }
}
