import { Injectable } from '@nestjs/common';
import { ResumeDto } from '#libs/calculator';
import { BuyerDataService } from '#libs/privacy';
import { ReportAccessService } from '#libs/reports';
import { validateAs, type FormBody } from './form-input.js';
import { page, type PageResult } from './page-response.js';
import { MessagePage } from './pages.js';
import { PrivacyRequestPage, PrivacyStartPage } from './privacy-views.js';

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const LINK_GONE = (
  <MessagePage
    title="This link does not work any more"
    text="Links to your data work for 24 hours, and once for deleting. Ask for a new one."
    actions={[{ href: '/privacy', label: 'Ask for a new link' }]}
  />
);

/**
 * The buyer's rights as pages: a copy of their data and its erasure, each through a one-time link
 * e-mailed to their address (from `/privacy`, or from a report's page for its buyer's address).
 */
@Injectable()
export class PrivacyPages {
  constructor(
    private readonly buyers: BuyerDataService,
    private readonly reports: ReportAccessService,
  ) {}

  start(): PageResult {
    return page(<PrivacyStartPage />);
  }

  async request(body: FormBody): Promise<PageResult> {
    const email = first(body.email)?.trim() ?? '';
    if (!(await validateAs(ResumeDto, { email })).ok) {
      return page(
        <PrivacyStartPage email={email} error="Enter an e-mail address like name@example.com" />,
        422,
      );
    }
    await this.buyers.requestLink(email);
    return page(
      <MessagePage
        title="Check your e-mail"
        text={`If we hold data about ${email}, a link to see, download or delete it is on its way. It works for 24 hours.`}
      />,
    );
  }

  /** From a report's page: the confirmation link goes to the address the report was bought with. */
  async requestFromReport(token: string): Promise<PageResult> {
    const email = await this.reports.ownerEmail(token);
    if (email) await this.buyers.requestLink(email);
    return page(
      <MessagePage
        title="Check your e-mail"
        text="We e-mailed a link to the address this report was bought with. Open it to confirm the deletion; it works for 24 hours."
      />,
      email ? 200 : 404,
    );
  }

  /** From a report's page: the report's holder downloads the data of the address it was bought with. */
  async exportFromReport(token: string): Promise<{ filename: string; json: string } | null> {
    const email = await this.reports.ownerEmail(token);
    return email ? this.file(email) : null;
  }

  async requestPage(token: string): Promise<PageResult> {
    const email = await this.buyers.openRequest(token);
    if (!email) return page(LINK_GONE, 404);
    return page(<PrivacyRequestPage token={token} copy={await this.buyers.export(email)} />);
  }

  async exportFile(token: string): Promise<{ filename: string; json: string } | null> {
    const email = await this.buyers.openRequest(token);
    return email ? this.file(email) : null;
  }

  async reportPdf(token: string, reportId: string): Promise<Buffer | null> {
    const email = await this.buyers.openRequest(token);
    return email ? this.buyers.reportPdf(email, reportId) : null;
  }

  async erase(token: string): Promise<PageResult> {
    if (!(await this.buyers.eraseByRequest(token))) return page(LINK_GONE, 404);
    return page(
      <MessagePage
        title="Your data was deleted"
        text="Your answers, targets, reports and the e-mails we sent you are gone. The payment record stays for accounting, without anything that names you."
        actions={[{ href: '/', label: 'Home' }]}
      />,
    );
  }

  private async file(email: string) {
    const copy = await this.buyers.export(email);
    return {
      filename: `my-nutrition-data-${copy.generated_at.slice(0, 10)}.json`,
      json: JSON.stringify(copy, null, 2),
    };
  }
}
