import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { affectedRows, execute, firstRow, rowsOf } from '#libs/db';
import { type Report } from './reports.entities.js';

export type ReportRow = Pick<
  Report,
  | 'id'
  | 'session_id'
  | 'tier'
  | 'email'
  | 'status'
  | 'stage'
  | 'progress'
  | 'revisions_allowed'
  | 'expires_at'
  | 'is_expired'
  | 'revoked_at'
  | 'created_at'
> & {
  /** The payment that bought it. */
  payment_id: string;
};

const COLUMNS = `r.id, r.session_id, r.payment_id, r.tier, r.email, r.status, r.stage, r.progress, r.revisions_allowed,
                 r.expires_at, r.is_expired, r.revoked_at, r.created_at`;

/** What a paid order's report is created from. */
export interface NewReport {
  sessionId: string;
  paymentId: string;
  tier: string;
  email: string;
  expiryDays: number;
  revisionsAllowed: number;
}

/** Report rows and their access tokens (SHA-256 digests only). */
@Injectable()
export class ReportsRepository {
  async findBySession(manager: EntityManager, sessionId: string): Promise<ReportRow | null> {
    const row = await firstRow<ReportRow>(
      manager,
      `SELECT ${COLUMNS} FROM reports r WHERE r.session_id = $1`,
      [sessionId],
    );
    return row ?? null;
  }

  async create(manager: EntityManager, r: NewReport): Promise<ReportRow> {
    const rows = await rowsOf<ReportRow>(
      manager,
      `WITH r AS (
         INSERT INTO reports (session_id, payment_id, tier, email, revisions_allowed, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6))
         RETURNING *
       ), v AS (INSERT INTO report_revisions (report_id, revision) SELECT id, 1 FROM r)
       SELECT ${COLUMNS} FROM r`,
      [r.sessionId, r.paymentId, r.tier, r.email, r.revisionsAllowed, r.expiryDays],
    );
    return rows[0]!;
  }

  /** A refunded or disputed payment takes its report back: every link answers 410 with the reason. */
  async revokeForPayment(
    manager: EntityManager,
    paymentId: string,
    reason: 'refunded' | 'disputed',
  ): Promise<number> {
    const changed = await affectedRows(
      manager,
      `UPDATE reports SET revoked_at = coalesce(revoked_at, now()), revoked_reason = $2
                   WHERE payment_id = $1`,
      [paymentId, reason],
    );
    return changed;
  }

  /** A dispute won gives the report back (only what that reason took away). */
  async restoreForPayment(manager: EntityManager, paymentId: string, reason: 'disputed'): Promise<void> {
    await execute(
      manager,
      `UPDATE reports SET revoked_at = NULL, revoked_reason = NULL WHERE payment_id = $1 AND revoked_reason = $2`,
      [paymentId, reason],
    );
  }

  async addAccessToken(
    manager: EntityManager,
    reportId: string,
    tokenHash: string,
    purpose: 'owner' | 'email',
  ): Promise<void> {
    await execute(
      manager,
      `INSERT INTO report_access_tokens (token_hash, report_id, purpose) VALUES ($1, $2, $3)`,
      [tokenHash, reportId, purpose],
    );
  }

  /** Reports an address bought that can still be read (not expired, not revoked), newest first. */
  liveByEmail(manager: EntityManager, email: string): Promise<{ id: string; expires_at: Date }[]> {
    return rowsOf<{ id: string; expires_at: Date }>(
      manager,
      `SELECT id, expires_at FROM reports
        WHERE email = $1 AND revoked_at IS NULL AND NOT is_expired AND expires_at > now()
        ORDER BY created_at DESC LIMIT 5`,
      [email],
    );
  }

  /** A person's reports: those bought by their sessions or sent to their address. */
  async ofPerson(manager: EntityManager, email: string, sessionIds: string[]): Promise<PersonReport[]> {
    return rowsOf<PersonReport>(
      manager,
      `SELECT r.id, r.tier, r.status, r.created_at, r.expires_at, r.revoked_reason,
              (SELECT v.markdown FROM report_revisions v
                WHERE v.report_id = r.id AND v.status = 'completed' ORDER BY v.revision DESC LIMIT 1) AS markdown
         FROM reports r WHERE r.email = $1 OR r.session_id = ANY($2::uuid[]) ORDER BY r.created_at`,
      [email, sessionIds],
    );
  }

  /** The PDF of a report's latest completed revision. */
  async latestPdf(manager: EntityManager, reportId: string): Promise<Buffer | null> {
    const row = await firstRow<{ pdf: Buffer | null }>(
      manager,
      `SELECT pdf FROM report_revisions WHERE report_id = $1 AND status = 'completed' ORDER BY revision DESC LIMIT 1`,
      [reportId],
    );
    return row?.pdf ?? null;
  }

  /**
   * Erases what reports hold about a person: their revisions (contents, PDFs), progress events and
   * access log (addresses, browsers) are deleted; each report stays as a tombstone — no address, no
   * session — whose links answer 410 with the reason (`deleted` overrides; `expired` keeps an
   * earlier refund or dispute as the reason).
   */
  async eraseContents(manager: EntityManager, ids: string[], reason: 'deleted' | 'expired'): Promise<void> {
    if (ids.length === 0) return;
    await execute(manager, `DELETE FROM report_revisions WHERE report_id = ANY($1::uuid[])`, [ids]);
    await execute(manager, `DELETE FROM report_events WHERE report_id = ANY($1::uuid[])`, [ids]);
    await execute(manager, `DELETE FROM report_access_log WHERE report_id = ANY($1::uuid[])`, [ids]);
    await execute(
      manager,
      `UPDATE reports SET email = NULL, session_id = NULL, revoked_at = coalesce(revoked_at, now()),
              revoked_reason = CASE WHEN $2 = 'deleted' THEN 'deleted' ELSE coalesce(revoked_reason, $2) END,
              is_expired = is_expired OR $2 = 'expired'
        WHERE id = ANY($1::uuid[])`,
      [ids, reason],
    );
  }

  /** Reports past their expiry that still hold a person's data (the retention purge), oldest first. */
  async expiredHoldingData(
    manager: EntityManager,
    now: Date,
    limit: number,
  ): Promise<{ id: string; session_id: string; email: string | null }[]> {
    return rowsOf<{ id: string; session_id: string; email: string | null }>(
      manager,
      `SELECT id, session_id, email FROM reports WHERE expires_at <= $1 AND session_id IS NOT NULL
        ORDER BY expires_at LIMIT $2`,
      [now, limit],
    );
  }
}

/** A report as a person's copy of their data shows it. */
export type PersonReport = Pick<
  Report,
  'id' | 'tier' | 'status' | 'created_at' | 'expires_at' | 'revoked_reason'
> & {
  markdown: string | null;
};
