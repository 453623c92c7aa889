import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { IdempotencyService, RateLimitErasure, newToken, sha256Hex } from '#libs/common';
import { CALCULATOR_LIMITS, CalculatorService, type PersonSession } from '#libs/calculator';
import { AppConfig } from '#libs/config';
import { MailService, privacyLinkMail } from '#libs/mail';
import { PaymentsService, type PersonPayment } from '#libs/payments';
import { ReportsService, type PersonReport } from '#libs/reports';
import { PRIVACY_LIMITS } from './privacy-limits.js';
import { PrivacyRequestsRepository } from './privacy-requests.repository.js';

/** A buyer's copy of what is held about them, by e-mail address. */
export interface BuyerExport {
  email: string;
  generated_at: string;
  calculator_sessions: PersonSession[];
  reports: (Omit<PersonReport, 'markdown'> & { text_markdown: string | null })[];
  payments: PersonPayment[];
}

const REQUEST_HOURS = 24;
/** The limits keyed by an e-mail address: their counters are the person's too. */
const EMAIL_KEYED = [
  CALCULATOR_LIMITS.resumeByEmail,
  ...PRIVACY_LIMITS.byEmail,
  { name: 'report-link-email' },
];

/**
 * A buyer's rights over their data, by e-mail address: a copy (JSON, and each report's PDF) and
 * erasure — confirmed through a one-time link e-mailed to that address. Erasure removes, in one
 * transaction, the calculator sessions (answers, health profile, tokens), the reports' contents,
 * progress events and access logs (each report a tombstone answering 410 `report_deleted`), the
 * mail to the address, the sessions' idempotency rows and the address's rate-limit counters; the
 * payments stay for accounting (amount, currency, dates, provider ids), unlinked from the person.
 */
@Injectable()
export class BuyerDataService {
  constructor(
    private readonly db: DataSource,
    private readonly calculator: CalculatorService,
    private readonly reports: ReportsService,
    private readonly payments: PaymentsService,
    private readonly mail: MailService,
    private readonly idempotency: IdempotencyService,
    private readonly rateLimits: RateLimitErasure,
    private readonly requests: PrivacyRequestsRepository,
    private readonly config: AppConfig,
  ) {}

  /** E-mails a one-time link (24 h) to see, download or erase the address's data; silent when nothing is held. */
  async requestLink(email: string): Promise<void> {
    const address = email.trim().toLowerCase();
    await this.db.transaction(async (m) => {
      const sessions = await this.calculator.sessionsOf(m, address);
      const reports = await this.reports.ofPerson(
        m,
        address,
        sessions.map((s) => s.id),
      );
      if (sessions.length === 0 && reports.length === 0) return;
      const token = newToken();
      await this.requests.create(
        m,
        sha256Hex(token),
        address,
        new Date(Date.now() + REQUEST_HOURS * 3_600_000),
      );
      const link = `${this.config.http.publicBaseUrl}/privacy/requests/${token}`;
      await this.mail.send('privacy.link', address, privacyLinkMail(link, REQUEST_HOURS), m);
    });
  }

  /** The address a request link opens (unused, unexpired), or null. */
  async openRequest(token: string): Promise<string | null> {
    if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) return null;
    return this.db.transaction(async (m) => (await this.requests.open(m, sha256Hex(token)))?.email ?? null);
  }

  async export(email: string): Promise<BuyerExport> {
    const address = email.trim().toLowerCase();
    return this.db.transaction(async (m) => {
      const sessions = await this.calculator.sessionsOf(m, address);
      const ids = sessions.map((s) => s.id);
      const reports = await this.reports.ofPerson(m, address, ids);
      return {
        email: address,
        generated_at: new Date().toISOString(),
        calculator_sessions: sessions,
        reports: reports.map(({ markdown, ...r }) => ({ ...r, text_markdown: markdown })),
        payments: await this.payments.ofSessions(m, ids),
      };
    });
  }

  /** One of the address's reports as PDF (null when it is not theirs or has none). */
  async reportPdf(email: string, reportId: string): Promise<Buffer | null> {
    const address = email.trim().toLowerCase();
    return this.db.transaction(async (m) => {
      const sessions = await this.calculator.sessionsOf(m, address);
      const mine = await this.reports.ofPerson(
        m,
        address,
        sessions.map((s) => s.id),
      );
      return mine.some((r) => r.id === reportId) ? this.reports.latestPdf(m, reportId) : null;
    });
  }

  /** Erasure through the e-mailed link: once (the link is used up with it). False when the link does not open. */
  async eraseByRequest(token: string): Promise<boolean> {
    if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) return false;
    return this.db.transaction(async (m) => {
      const email = await this.requests.use(m, sha256Hex(token));
      if (!email) return false;
      await this.erase(m, email);
      return true;
    });
  }

  /** Everything held about an address, erased in the caller's transaction. */
  async erase(m: EntityManager, email: string): Promise<void> {
    const sessions = await this.calculator.sessionsOf(m, email);
    const ids = sessions.map((s) => s.id);
    const reports = await this.reports.ofPerson(m, email, ids);
    await this.eraseSessions(
      m,
      ids,
      reports.map((r) => r.id),
      'deleted',
    );
    await this.forgetAddress(m, email);
  }

  /** An address left with nothing else here (no session, no report): its mail, counters and links go too. */
  private async forgetAddressesLeftEmpty(m: EntityManager, emails: (string | null)[]): Promise<void> {
    for (const email of new Set(emails.filter((e): e is string => !!e))) {
      const sessions = await this.calculator.sessionsOf(m, email);
      const reports = await this.reports.ofPerson(m, email, []);
      if (sessions.length === 0 && reports.length === 0) await this.forgetAddress(m, email);
    }
  }

  /** What is kept under an address itself: the mail sent to it, its rate-limit counters, its privacy links. */
  private async forgetAddress(m: EntityManager, email: string): Promise<void> {
    await this.mail.forgetAddress(m, email);
    await this.rateLimits.forget(m, EMAIL_KEYED, email);
    await this.requests.forgetEmail(m, email);
  }

  /** Sessions and their reports erased; the reports kept as tombstones that say why (`deleted`, `expired`). */
  private async eraseSessions(
    m: EntityManager,
    sessionIds: string[],
    reportIds: string[],
    reason: 'deleted' | 'expired',
  ) {
    const tokenHashes = await this.calculator.tokenHashesOf(m, sessionIds);
    await this.reports.eraseContents(m, reportIds, reason);
    await this.payments.unlinkSessions(m, sessionIds);
    await this.idempotency.forgetScopes(
      m,
      tokenHashes.map((h) => `session:${h}`),
    );
    await this.calculator.eraseSessions(m, sessionIds);
  }

  /**
   * Retention, as of `now`: unpaid sessions untouched for CALCULATOR_UNPAID_RETENTION_DAYS are
   * erased; paid ones go with their report when it expires (its contents too); used or old request
   * links are deleted. In batches, each its own transaction.
   */
  async enforceRetention(
    now: Date,
    batch = 500,
  ): Promise<{ unpaid_sessions: number; expired_reports: number }> {
    let unpaid = 0;
    let expired = 0;
    for (;;) {
      const n = await this.db.transaction(async (m) => {
        const due = await this.calculator.unpaidSince(
          m,
          new Date(now.getTime() - this.config.calculator.unpaidRetentionMs),
          batch,
        );
        await this.eraseSessions(
          m,
          due.map((d) => d.id),
          [],
          'deleted',
        );
        await this.forgetAddressesLeftEmpty(
          m,
          due.map((d) => d.email),
        );
        return due.length;
      });
      unpaid += n;
      if (n < batch) break;
    }
    for (;;) {
      const n = await this.db.transaction(async (m) => {
        const due = await this.reports.expiredHoldingData(m, now, batch);
        await this.eraseSessions(
          m,
          due.map((d) => d.session_id),
          due.map((d) => d.id),
          'expired',
        );
        await this.forgetAddressesLeftEmpty(
          m,
          due.map((d) => d.email),
        );
        return due.length;
      });
      expired += n;
      if (n < batch) break;
    }
    await this.db.transaction((m) => this.requests.purgeBefore(m, now));
    return { unpaid_sessions: unpaid, expired_reports: expired };
  }
}
