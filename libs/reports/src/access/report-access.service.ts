import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError, Conflict, Forbidden, Gone, NotFound, sha256Hex } from '#libs/common';
import { AppConfig } from '#libs/config';
import { QueueService } from '#libs/queue';
import { escapeHtml, renderHtmlPage } from '../document/render-html.js';
import { STAGES } from '../generation/report-generation.service.js';
import { ReportGenerationRepository, type ReportEvent } from '../report-generation.repository.js';
import { ReportAccessRepository, type AccessibleReport } from './report-access.repository.js';
import { ReportEventsHub } from './report-events.hub.js';

export interface Viewer {
  ip: string | null;
  userAgent: string | null;
}

export type StreamItem = ReportEvent | { type: 'heartbeat' };

const HEARTBEAT_MS = 15_000;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{20,200}$/;

/**
 * Reading a report through its access token (the token is the capability): unknown → 404,
 * expired or revoked → 410. Every access to a known report is written to report_access_log.
 */
@Injectable()
export class ReportAccessService {
  constructor(
    private readonly db: DataSource,
    private readonly access: ReportAccessRepository,
    private readonly generation: ReportGenerationRepository,
    private readonly hub: ReportEventsHub,
    private readonly queue: QueueService,
    private readonly config: AppConfig,
  ) {}

  /** Resolves a token; logs the access (success or 410) for known reports. */
  async open(token: string, kind: string, viewer: Viewer): Promise<AccessibleReport> {
    const report = TOKEN_FORMAT.test(token)
      ? await this.access.openAndLog(sha256Hex(token), kind, viewer.ip, viewer.userAgent)
      : null;
    if (!report) throw new NotFound('Report', 'report_not_found');
    if (report.revoked_reason === 'refunded')
      throw new Gone('This report was refunded and is no longer available', 'report_refunded');
    if (report.revoked_reason === 'disputed')
      throw new Gone(
        'The payment for this report is disputed; the report is unavailable meanwhile',
        'report_disputed',
      );
    if (report.revoked_reason === 'deleted')
      throw new Gone('This report was deleted at its owner’s request', 'report_deleted');
    if (report.gone) throw new Gone('This report has expired or was revoked', 'report_expired');
    return report;
  }

  async status(token: string, viewer: Viewer) {
    const r = await this.open(token, 'status', viewer);
    const stage = STAGES.find((s) => s.stage === r.stage);
    let remaining: number | null = 0;
    if (r.status === 'queued' || r.status === 'generating') {
      // an estimate only while a worker is at it: a dead attempt promises nothing (null) until the
      // queue hands the report to another worker
      const alive =
        r.status === 'queued' ||
        (await this.generation.attemptAlive(
          r.id,
          this.config.queue.schema,
          this.config.queue.heartbeatSeconds,
        ));
      const mean = (await this.generation.recentMeanSeconds()) ?? 10;
      remaining = alive ? Math.max(1, Math.ceil(mean * (1 - r.progress / 100))) : null;
    }
    return {
      status: r.status,
      stage: r.stage,
      stage_name:
        stage?.name ??
        (r.status === 'queued' ? 'Queued' : r.status === 'completed' ? 'Finalising' : 'Failed'),
      progress: r.progress,
      time_remaining_seconds: remaining,
      revision: r.revision,
      expires_at: r.expires_at.toISOString(),
    };
  }

  /** The latest completed revision; `ready: false` (→ 202) while the first one is being written. */
  async json(token: string, viewer: Viewer) {
    const r = await this.open(token, 'json', viewer);
    const done = await this.access.latestCompleted(r.id);
    const base = { status: r.status, tier: r.tier, expires_at: r.expires_at.toISOString() };
    if (!done)
      return { ready: false as const, body: { ...base, revision: r.revision, progress: r.progress } };
    return {
      ready: true as const,
      body: {
        ...base,
        revision: done.revision,
        generated_at: done.completed_at.toISOString(),
        sections: done.sections.map((s) => ({ key: s.key, title: s.title })),
        markdown: done.markdown,
        html: done.html,
      },
    };
  }

  /** Whose report a token opens (the address it was bought with), for their privacy rights; null when none. */
  ownerEmail(token: string): Promise<string | null> {
    return TOKEN_FORMAT.test(token) ? this.access.ownerEmail(sha256Hex(token)) : Promise.resolve(null);
  }

  /** The web page, or a clear error page: never throws for 404/410. */
  async page(token: string, viewer: Viewer): Promise<{ status: number; html: string }> {
    try {
      const r = await this.open(token, 'page', viewer);
      const done = await this.access.latestPageHtml(r.id);
      if (!done) {
        if (r.status === 'failed') {
          return {
            status: 200,
            html: renderHtmlPage(
              'Your report could not be written',
              '<div class="error-page"><h1>Your report could not be written</h1><p>Something went wrong while writing it, and it was logged. Your payment and this link stay valid: reply to your receipt e-mail and we will write it again.</p></div>',
            ),
          };
        }
        // a progress page that refreshes itself (no script) and becomes the report when it is done
        const stage = STAGES.find((s) => s.stage === r.stage)?.name ?? 'Queued';
        return {
          status: 202,
          html: renderHtmlPage(
            'Your report is being written',
            `<div class="error-page"><h1>Your report is being written</h1><p class="progress">${escapeHtml(stage)} — ${r.progress}% done.</p><p>This page refreshes by itself and shows the report when it is ready.</p></div>`,
            undefined,
            { refreshSeconds: 3 },
          ),
        };
      }
      return {
        status: 200,
        html: renderHtmlPage(
          `${r.first_name ?? 'Your'} nutrition report`,
          `<nav class="report-actions" aria-label="This report"><a class="button" href="/api/v1/reports/${escapeHtml(encodeURIComponent(token))}/pdf" download>Download the PDF</a></nav>\n${done.html}\n${privacyActions(token)}`,
          `Revision ${done.revision}. Available until ${r.expires_at.toISOString().slice(0, 10)}. Educational content, not medical advice.`,
        ),
      };
    } catch (err) {
      if (err instanceof AppError && (err.status === 404 || err.status === 410)) {
        const [title, text] =
          err.status === 404
            ? [
                'Report not found',
                'This link does not match any report. Check that you copied the whole link from your e-mail.',
              ]
            : err.code === 'report_refunded'
              ? [
                  'This report was refunded',
                  'The payment for this report was refunded, so the report is no longer available.',
                ]
              : err.code === 'report_deleted'
                ? [
                    'This report was deleted',
                    'Its owner asked for their data to be deleted, and this report with it.',
                  ]
                : err.code === 'report_disputed'
                  ? [
                      'This report is unavailable',
                      'The payment for this report is disputed; the report is unavailable while the dispute is open.',
                    ]
                  : [
                      'This report has expired',
                      'Reports are available for a limited time after purchase, and this one is no longer available.',
                    ];
        return {
          status: err.status,
          html: renderHtmlPage(
            title,
            `<div class="error-page"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></div>`,
          ),
        };
      }
      throw err;
    }
  }

  async pdf(token: string, viewer: Viewer): Promise<{ pdf: Buffer; revision: number } | null> {
    const r = await this.open(token, 'pdf', viewer);
    const pdf = await this.access.latestPdf(r.id);
    return pdf ? { pdf, revision: r.revision } : null;
  }

  /** A new revision, written again from the same inputs; earlier revisions are kept unchanged. */
  async regenerate(token: string, viewer: Viewer): Promise<{ status: 'queued'; revision: number }> {
    const r = await this.open(token, 'regenerate', viewer);
    return this.db.transaction(async (m) => {
      const current = await this.access.lockReport(m, r.id);
      if (!current) throw new NotFound('Report', 'report_not_found');
      if (current.status === 'queued' || current.status === 'generating') {
        throw new Conflict('A revision of this report is being generated', 'report_generating');
      }
      if (current.revision > current.revisions_allowed) {
        throw new Forbidden(
          `This tier includes ${current.revisions_allowed} revision(s), all used`,
          'revisions_exhausted',
        );
      }
      const revision = current.revision + 1;
      await this.access.addRevision(m, r.id, revision);
      await this.queue.send('report.generate', { reportId: r.id }, { manager: m });
      return { status: 'queued' as const, revision };
    });
  }

  /**
   * Durable SSE: stored events after `lastEventId` (or the latest revision's), then new ones as
   * NOTIFY announces them, heartbeats every 15 s; ends after `complete` or a final `error`.
   */
  async stream(
    token: string,
    lastEventId: string | null,
    viewer: Viewer,
  ): Promise<(signal: AbortSignal) => AsyncGenerator<StreamItem>> {
    const r = await this.open(token, 'stream', viewer);
    return (signal) => this.events(r.id, lastEventId, signal);
  }

  private async *events(
    reportId: string,
    lastEventId: string | null,
    signal: AbortSignal,
  ): AsyncGenerator<StreamItem> {
    const r = { id: reportId };
    const sub = await this.hub.subscribe(r.id);
    try {
      let after = lastEventId && /^\d{1,18}$/.test(lastEventId) ? lastEventId : null;
      while (!signal.aborted) {
        const batch = await this.generation.eventsAfter(r.id, after);
        for (const e of batch) {
          yield e;
          after = e.id;
          if (e.type === 'complete' || (e.type === 'error' && e.data.final)) return;
        }
        if (!(await sub.next(HEARTBEAT_MS)) && !signal.aborted) yield { type: 'heartbeat' };
      }
    } finally {
      sub.close();
    }
  }
}

/** Under every report: the buyer's rights over their data (the delete asks for e-mail confirmation). */
function privacyActions(token: string): string {
  const t = escapeHtml(encodeURIComponent(token));
  return `<section id="your-data" aria-labelledby="your-data-title"><h2 id="your-data-title">Your data</h2>
<p>Download everything we hold about you (your answers, targets and reports) as a file, or delete it: we e-mail a link to the address you paid with to confirm.</p>
<div class="actions"><a class="button secondary" href="/privacy/report/${t}/export" download>Download my data</a>
<form class="inline" method="post" action="/privacy/report/${t}/erase"><button class="secondary" type="submit">Delete my data</button></form></div></section>`;
}
