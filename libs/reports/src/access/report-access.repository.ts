import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface AccessibleReport {
  id: string;
  tier: string;
  status: 'queued' | 'generating' | 'completed' | 'failed';
  stage: number;
  progress: number;
  revision: number;
  revisions_allowed: number;
  expires_at: Date;
  gone: boolean;
  generated_at: Date | null;
  first_name: string | null;
}

export interface CompletedRevision {
  revision: number;
  sections: { key: string; number: number; title: string }[];
  markdown: string;
  html: string;
  completed_at: Date;
}

@Injectable()
export class ReportAccessRepository {
  constructor(private readonly db: DataSource) {}

  async byToken(tokenHash: string): Promise<AccessibleReport | null> {
    const rows: AccessibleReport[] = await this.db.query(
      `SELECT r.id, r.tier, r.status, r.stage, r.progress, r.revision, r.revisions_allowed, r.expires_at, r.generated_at,
              (r.is_expired OR r.revoked_at IS NOT NULL OR t.revoked_at IS NOT NULL OR r.expires_at <= now()) AS gone,
              s.profile->>'first_name' AS first_name
         FROM report_access_tokens t
         JOIN reports r ON r.id = t.report_id
         JOIN calculator_sessions s ON s.id = r.session_id
        WHERE t.token_hash = $1`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  async latestCompleted(reportId: string): Promise<CompletedRevision | null> {
    const rows: CompletedRevision[] = await this.db.query(
      `SELECT revision, sections, markdown, html, completed_at FROM report_revisions
        WHERE report_id = $1 AND status = 'completed' ORDER BY revision DESC LIMIT 1`,
      [reportId],
    );
    return rows[0] ?? null;
  }

  async latestPdf(reportId: string): Promise<Buffer | null> {
    const rows: { pdf: Buffer }[] = await this.db.query(
      `SELECT pdf FROM report_revisions WHERE report_id = $1 AND status = 'completed' ORDER BY revision DESC LIMIT 1`,
      [reportId],
    );
    return rows[0]?.pdf ?? null;
  }

  async logAccess(
    reportId: string,
    kind: string,
    ip: string | null,
    userAgent: string | null,
    status: number,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO report_access_log (report_id, kind, ip, user_agent, success, status) VALUES ($1, $2, $3::inet, $4, $5, $6)`,
      [
        reportId,
        kind,
        ip && /^[0-9a-fA-F.:]+$/.test(ip) ? ip : null,
        userAgent?.slice(0, 500) ?? null,
        status < 400,
        status,
      ],
    );
  }

  async lockReport(
    m: EntityManager,
    reportId: string,
  ): Promise<{ revision: number; status: string; revisions_allowed: number } | null> {
    const rows = await m.query(
      `SELECT revision, status, revisions_allowed FROM reports WHERE id = $1 FOR UPDATE`,
      [reportId],
    );
    return rows[0] ?? null;
  }

  async addRevision(m: EntityManager, reportId: string, revision: number): Promise<void> {
    await m.query(`INSERT INTO report_revisions (report_id, revision) VALUES ($1, $2)`, [reportId, revision]);
    await m.query(
      `UPDATE reports SET revision = $2, status = 'queued', stage = 0, progress = 0, failure_reason = NULL WHERE id = $1`,
      [reportId, revision],
    );
  }
}
