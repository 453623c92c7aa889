import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newToken, sha256Hex } from '#libs/common';
import { AppConfig } from '#libs/config';
import { TiersService } from '#libs/calculator';
import { MailService, reportReadyMail } from '#libs/mail';
import { findBannedText } from '../composer/composer.js';
import type { ReportInput } from '../composer/report-input.js';
import { renderHtmlBody } from '../document/render-html.js';
import { renderMarkdown } from '../document/render-markdown.js';
import { renderPdf } from '../document/render-pdf.js';
import { reportLinks } from '../report-links.js';
import { ReportGenerationRepository, type GenerationTarget } from '../report-generation.repository.js';
import { ReportsRepository } from '../reports.repository.js';
import { ReportGenerator } from './report-generator.js';

export const STAGES = [
  { stage: 1, progress: 20, name: 'Calculating macros' },
  { stage: 2, progress: 40, name: 'Analysing health' },
  { stage: 3, progress: 60, name: 'Generating protocol' },
  { stage: 4, progress: 80, name: 'Personalising' },
  { stage: 5, progress: 100, name: 'Finalising' },
] as const;

/** A failure no retry can fix (the paid session lacks data); the revision is failed at once. */
export class PermanentGenerationError extends Error {}

/**
 * Generates the latest revision of a report through five persisted stages, then stores it and
 * queues the "report ready" e-mail in one transaction. Running it again for a completed revision
 * changes nothing.
 */
@Injectable()
export class ReportGenerationService {
  private readonly logger = new Logger(ReportGenerationService.name);

  constructor(
    private readonly db: DataSource,
    private readonly repo: ReportGenerationRepository,
    private readonly reports: ReportsRepository,
    private readonly tiers: TiersService,
    private readonly generator: ReportGenerator,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  async generate(
    reportId: string,
    attempt: { retryCount: number; lastAttempt: boolean },
  ): Promise<'completed' | 'skipped'> {
    const target = await this.repo.target(reportId);
    if (!target) throw new PermanentGenerationError(`report ${reportId} does not exist`);
    if (target.status === 'completed') return 'skipped';
    // a retry (after an error, or after the last worker died) is a new attempt: the stream says so,
    // then the stages run again
    if (attempt.retryCount > 0) {
      await this.repo.event(this.db, reportId, target.revision, 'attempt', {
        attempt: attempt.retryCount + 1,
      });
    }
    try {
      await this.run(target, attempt.lastAttempt);
      return 'completed';
    } catch (err) {
      const permanent = err instanceof PermanentGenerationError;
      if (permanent || attempt.lastAttempt) {
        await this.repo.fail(reportId, target.revision, err instanceof Error ? err.message : String(err));
        if (await this.repo.lastFinishedAllFailed(3)) {
          this.logger.error({
            msg: 'ALERT: three consecutive report generations failed',
            alert: true,
            report_id: reportId,
          });
        }
      } else {
        await this.repo.retrying(reportId, target.revision, attempt.retryCount + 1);
      }
      throw err;
    }
  }

  private async run(t: GenerationTarget, lastAttempt: boolean): Promise<void> {
    const { report_id: id, revision } = t;
    const stage = (i: number) =>
      this.repo.stage(id, revision, STAGES[i]!.stage, STAGES[i]!.progress, STAGES[i]!.name);

    await stage(0);
    if (!t.macros || !t.profile?.first_name)
      throw new PermanentGenerationError('the paid session has no macros or health profile');
    const tier = await this.tiers.byCode(t.tier);
    if (!tier) throw new PermanentGenerationError(`the report's tier ${t.tier} does not exist`);
    const input: ReportInput = {
      profile: t.profile,
      macros: t.macros,
      tier: { code: tier.code, name: tier.name, sections: tier.sections },
    };

    await stage(1);
    await stage(2);
    let fallback: string | null = null;
    const document = await this.generator.generate(input, {
      onFallback: (reason) => {
        fallback = reason;
      },
      reportId: id,
      revision,
      lastAttempt,
      onSection: (s) => this.repo.sectionOnce(id, revision, { key: s.key, number: s.number, title: s.title }),
    });

    await stage(3);
    const leak = findBannedText(t.profile, document);
    if (leak) throw new Error(`generated report names an excluded food (${leak})`);
    const markdown = renderMarkdown(document);
    const html = renderHtmlBody(document);

    await stage(4);
    const pdf = await renderPdf(document, new Date());
    await this.db.transaction(async (m) => {
      if (
        !(await this.repo.complete(m, id, revision, {
          generator: this.generator.name,
          document,
          markdown,
          html,
          pdf,
          fallback,
        }))
      )
        return;
      if (!t.email) return; // the buyer's data was erased while it was written: nobody to tell
      const token = newToken();
      await this.reports.addAccessToken(m, id, sha256Hex(token), 'email');
      const link = reportLinks(this.config.http.publicBaseUrl, token).report_url;
      await this.mail.send(
        'report.ready',
        t.email,
        reportReadyMail(t.profile.first_name, link, t.expires_at),
        m,
      );
    });
  }
}
