import { affectedRows, execute, firstRow, rowsOf } from '#libs/db';
import { type Report, type ReportRevision, type ReportEventRecord } from './reports.entities.js';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Macros } from '#libs/calculator';
import type { ReportDocument } from './document/model.js';
import type { ReportProfile } from './composer/report-input.js';

/** What generating a revision reads: the report, its revision's status and the session's answers. */
export type GenerationTarget = Pick<Report, 'email' | 'expires_at' | 'tier'> &
  Pick<ReportRevision, 'report_id' | 'revision' | 'status'> & {
    profile: ReportProfile;
    macros: Macros | null;
  };

export type EventType = ReportEventRecord['type'];

export type ReportEvent = Pick<ReportEventRecord, 'id' | 'revision' | 'type'> & {
  data: Record<string, unknown>;
};

/** The generation side of reports: revisions, stages and the durable event log. */
@Injectable()
export class ReportGenerationRepository {
  constructor(private readonly db: DataSource) {}

  /** The latest revision of a report with everything needed to write it. */
  async target(reportId: string): Promise<GenerationTarget | null> {
    const row = await firstRow<GenerationTarget>(
      this.db,
      `SELECT r.id AS report_id, v.revision, v.status, r.email, r.expires_at, r.tier, s.profile, s.macros
         FROM reports r
         JOIN report_revisions v ON v.report_id = r.id AND v.revision = r.revision
         JOIN calculator_answers s ON s.id = r.session_id
        WHERE r.id = $1`,
      [reportId],
    );
    return row ?? null;
  }

  /** Moves the revision to a stage and records the progress event, atomically. */
  async stage(
    reportId: string,
    revision: number,
    stage: number,
    progress: number,
    stageName: string,
  ): Promise<void> {
    await this.db.transaction(async (m) => {
      await execute(
        m,
        `UPDATE report_revisions SET status = 'generating', stage = $3, progress = $4, started_at = COALESCE(started_at, now())
          WHERE report_id = $1 AND revision = $2 AND status <> 'completed'`,
        [reportId, revision, stage, progress],
      );
      await execute(
        m,
        `UPDATE reports SET status = 'generating', stage = $3, progress = $4 WHERE id = $1 AND revision = $2`,
        [reportId, revision, stage, progress],
      );
      await this.event(m, reportId, revision, 'progress', { stage, stage_name: stageName, progress });
    });
  }

  async event(
    m: EntityManager | DataSource,
    reportId: string,
    revision: number,
    type: EventType,
    data: Record<string, unknown>,
  ): Promise<void> {
    await execute(m, `INSERT INTO report_events (report_id, revision, type, data) VALUES ($1, $2, $3, $4)`, [
      reportId,
      revision,
      type,
      JSON.stringify(data),
    ]);
  }

  /**
   * A section event, once per section of a revision: a retried attempt writes the same sections
   * again, and a client that has them (replaying the stream) must not get them twice.
   */
  async sectionOnce(
    reportId: string,
    revision: number,
    data: { key: string; number: number; title: string },
  ) {
    await execute(
      this.db,
      `INSERT INTO report_events (report_id, revision, type, data)
       SELECT $1, $2, 'section', $3::jsonb
        WHERE NOT EXISTS (SELECT 1 FROM report_events
                           WHERE report_id = $1 AND revision = $2 AND type = 'section' AND data->>'key' = $4)`,
      [reportId, revision, JSON.stringify(data), data.key],
    );
  }

  /**
   * Whether a worker is at this report now: its generation job is active and heartbeating. A
   * worker that died leaves the job active with a stale heartbeat until the queue retries it.
   */
  async attemptAlive(reportId: string, queueSchema: string, heartbeatSeconds: number): Promise<boolean> {
    const rows = await rowsOf<unknown>(
      this.db,
      `SELECT 1 FROM ${queueSchema}.job
        WHERE name = 'report.generate' AND state = 'active' AND data->>'reportId' = $1
          AND coalesce(heartbeat_on, started_on) > now() - make_interval(secs => $2)
        LIMIT 1`,
      [reportId, heartbeatSeconds],
    );
    return rows.length > 0;
  }

  /** Stores the finished revision; the caller adds the e-mail in the same transaction. */
  async complete(
    m: EntityManager,
    reportId: string,
    revision: number,
    content: {
      generator: string;
      document: ReportDocument;
      markdown: string;
      html: string;
      pdf: Buffer;
      /** Why the composer wrote what the model should have (null when it did not). */
      fallback: string | null;
    },
  ): Promise<boolean> {
    const sections = content.document.sections.map((s) => ({ key: s.key, number: s.number, title: s.title }));
    const updated = await affectedRows(
      m,
      `UPDATE report_revisions
          SET status = 'completed', stage = 5, progress = 100, generator = $3, sections = $4, document = $5,
              markdown = $6, html = $7, pdf = $8, completed_at = now(), error = NULL, fallback_reason = $9
        WHERE report_id = $1 AND revision = $2 AND status <> 'completed'`,
      [
        reportId,
        revision,
        content.generator,
        JSON.stringify(sections),
        JSON.stringify(content.document),
        content.markdown,
        content.html,
        content.pdf,
        content.fallback,
      ],
    );
    if (updated === 0) return false;
    await execute(
      m,
      `UPDATE reports SET status = 'completed', stage = 5, progress = 100, generated_at = now(), failure_reason = NULL
        WHERE id = $1 AND revision = $2`,
      [reportId, revision],
    );
    await this.event(m, reportId, revision, 'complete', { status: 'completed', revision });
    return true;
  }

  async fail(reportId: string, revision: number, reason: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await execute(
        m,
        `UPDATE report_revisions SET status = 'failed', error = $3, completed_at = now()
          WHERE report_id = $1 AND revision = $2 AND status <> 'completed'`,
        [reportId, revision, reason],
      );
      await execute(
        m,
        `UPDATE reports SET status = 'failed', failure_reason = $3 WHERE id = $1 AND revision = $2`,
        [reportId, revision, reason],
      );
      await this.event(m, reportId, revision, 'error', { message: 'Report generation failed', final: true });
    });
  }

  async retrying(reportId: string, revision: number, attempt: number): Promise<void> {
    await this.event(this.db, reportId, revision, 'error', {
      message: 'Generation hit a problem and will be retried',
      final: false,
      attempt,
    });
  }

  /** True when the last `n` finished revisions (any report) all failed. */
  async lastFinishedAllFailed(n: number): Promise<boolean> {
    const rows = await rowsOf<{ status: string }>(
      this.db,
      `SELECT status FROM report_revisions WHERE status IN ('completed', 'failed') ORDER BY completed_at DESC NULLS LAST LIMIT $1`,
      [n],
    );
    return rows.length === n && rows.every((r) => r.status === 'failed');
  }

  /** Events after `afterId`; without it, those of the latest revision. */
  async eventsAfter(reportId: string, afterId: string | null): Promise<ReportEvent[]> {
    return rowsOf<ReportEvent>(
      this.db,
      afterId
        ? `SELECT e.id::text, e.revision, e.type, e.data FROM report_events e WHERE e.report_id = $1 AND e.id > $2::bigint ORDER BY e.id LIMIT 500`
        : `SELECT e.id::text, e.revision, e.type, e.data FROM report_events e JOIN reports r ON r.id = e.report_id
            WHERE e.report_id = $1 AND e.revision = r.revision ORDER BY e.id LIMIT 500`,
      afterId ? [reportId, afterId] : [reportId],
    );
  }

  /** Mean generation time of recent revisions, for time_remaining_seconds. */
  async recentMeanSeconds(): Promise<number | null> {
    const rows = await rowsOf<{ mean: number | null }>(
      this.db,
      `SELECT avg(extract(epoch FROM completed_at - started_at))::float AS mean
         FROM (SELECT completed_at, started_at FROM report_revisions
                WHERE status = 'completed' AND started_at IS NOT NULL ORDER BY completed_at DESC LIMIT 50) x`,
    );
    return rows[0]?.mean ?? null;
  }
}
