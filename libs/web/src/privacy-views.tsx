import type { BuyerExport } from '#libs/privacy';
import { EmailField, SingleErrorSummary } from './form-fields.js';
import { Layout } from './layout.js';

export function PrivacyStartPage(p: { email?: string; error?: string }) {
  return (
    <Layout title={`${p.error ? 'Error: ' : ''}Your data`}>
      <SingleErrorSummary fieldId="privacy-email" error={p.error} />
      <h1>Your data</h1>
      <p>
        You can download everything we hold about you — your calculator answers, your daily targets, your
        reports and your payments — or have it deleted. To make sure it is you, we e-mail a link to your
        address; it works for 24 hours, and once for deleting.
      </p>
      <form method="post" action="/privacy/request" novalidate>
        <EmailField id="privacy-email" value={p.email} error={p.error} />
        <button type="submit">E-mail me a link</button>
      </form>
      <h2>What we keep, and for how long</h2>
      <ul>
        <li>An unpaid calculator is deleted after 30 days without a change.</li>
        <li>
          A paid report is available for its tier's time (30 to 180 days); then it is deleted with your
          answers.
        </li>
        <li>
          A payment's amount, currency and date are kept for accounting, without your name, address or
          answers.
        </li>
      </ul>
    </Layout>
  );
}

export function PrivacyRequestPage(p: { token: string; copy: BuyerExport }) {
  const base = `/privacy/requests/${encodeURIComponent(p.token)}`;
  const paid = p.copy.reports;
  return (
    <Layout title="Your data">
      <h1>Your data</h1>
      <p>
        For <strong>{p.copy.email}</strong>: {p.copy.calculator_sessions.length} calculator
        {p.copy.calculator_sessions.length === 1 ? '' : 's'}, {paid.length} report
        {paid.length === 1 ? '' : 's'}, {p.copy.payments.length} payment
        {p.copy.payments.length === 1 ? '' : 's'}.
      </p>
      <h2>Download</h2>
      <ul>
        <li>
          <a href={`${base}/export`} download>
            Everything, as a JSON file
          </a>
        </li>
        {paid
          .filter((r) => r.text_markdown !== null)
          .map((r) => (
            <li>
              <a href={`${base}/reports/${r.id}/pdf`} download>
                Your {r.tier.replace(/_/g, ' ')} report ({r.created_at.toISOString().slice(0, 10)}), as PDF
              </a>
            </li>
          ))}
      </ul>
      <h2>Delete</h2>
      <p>
        Deleting removes your answers, targets, reports and the e-mails we sent you. Report links stop
        working. The payment record stays for accounting, without anything that names you. This cannot be
        undone.
      </p>
      <form method="post" action={`${base}/erase`}>
        <button type="submit">Delete my data</button>
      </form>
    </Layout>
  );
}
