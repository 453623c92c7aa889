import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newToken, sha256Hex } from '#libs/common';
import { AppConfig } from '#libs/config';
import { MailService, reportLinkMail } from '#libs/mail';
import { reportLinks } from '../report-links.js';
import { ReportsRepository } from '../reports.repository.js';

/**
 * A buyer who lost their report link (the one-time return link was used, the e-mail is gone) asks
 * for a new one by address. The answer is the same whether or not the address bought anything;
 * when it did, each readable report gets a fresh e-mail link, sent only to that address.
 */
@Injectable()
export class ReportLinkResender {
  constructor(
    private readonly db: DataSource,
    private readonly reports: ReportsRepository,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  async resend(email: string): Promise<void> {
    const address = email.trim().toLowerCase();
    await this.db.transaction(async (m) => {
      const live = await this.reports.liveByEmail(m, address);
      if (live.length === 0) return;
      const links: { link: string; expiresAt: Date }[] = [];
      for (const r of live) {
        const token = newToken();
        await this.reports.addAccessToken(m, r.id, sha256Hex(token), 'email');
        links.push({
          link: reportLinks(this.config.http.publicBaseUrl, token).report_url,
          expiresAt: r.expires_at,
        });
      }
      await this.mail.send('report.link', address, reportLinkMail(links), m);
    });
  }
}
