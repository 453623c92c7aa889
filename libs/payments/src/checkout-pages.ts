import { REPORT_CSS_HASH, SECTION_TITLES, escapeHtml, renderHtmlPage } from '#libs/reports';
import type { Tier } from '#libs/calculator';
import type { CheckoutState } from './payment-provider.js';

const money = (cents: number, currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);

/**
 * The pages' CSP: nothing runs, only the hashed stylesheet applies, and forms may post only here
 * and to where checkout returns (a redirect after a form post is checked against form-action too).
 */
export function checkoutPageCsp(returnUrls: string[]): string {
  const origins = [...new Set(returnUrls.map((u) => new URL(u).origin))];
  return [
    "default-src 'none'",
    `style-src ${REPORT_CSS_HASH}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    `form-action 'self' ${origins.join(' ')}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

/** What a tier includes, as the tier and calculator pages and the checkout page list it. */
export function tierIncludes(tier: Tier): { highlights: string[]; sections: string[] } {
  const includes = tier.features.includes;
  return {
    highlights: [
      ...(Array.isArray(includes) ? includes.filter((i): i is string => typeof i === 'string') : []),
      `Available for ${tier.report_expiry_days} days, as a web page and a PDF`,
      `${tier.revisions} revision${tier.revisions === 1 ? '' : 's'} included`,
    ],
    sections: tier.sections.map((n) => SECTION_TITLES[n]?.title).filter((t): t is string => !!t),
  };
}

const list = (items: string[]) => `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;

/** The sandbox stand-in for Stripe's payment page: what is bought, Pay and Cancel (plain form posts). */
export function sandboxCheckoutPage(checkoutId: string, state: CheckoutState, tier: Tier): string {
  const id = encodeURIComponent(checkoutId);
  const { highlights, sections } = tierIncludes(tier);
  const body = state.paid
    ? `<h1>Already paid</h1><p>This checkout is paid. The report link was shown after payment and sent by e-mail.</p>`
    : `<h1>Pay for your ${escapeHtml(tier.name)} report</h1>
<p class="price">${escapeHtml(money(state.amountCents ?? tier.price_cents, state.currency ?? tier.currency))}</p>
<h2>What you get</h2>
${list(highlights)}
<h2>${sections.length} personalised sections</h2>
${list(sections)}
<p>Sandbox mode: no card is charged. Pay completes the payment as Stripe's page would.</p>
<div class="actions">
<form class="inline" method="post" action="/api/v1/payments/sandbox/${id}/pay"><button type="submit">Pay ${escapeHtml(money(state.amountCents ?? tier.price_cents, state.currency ?? tier.currency))}</button></form>
<form class="inline" method="post" action="/api/v1/payments/sandbox/${id}/cancel"><button class="secondary" type="submit">Cancel</button></form>
</div>`;
  return renderHtmlPage('Checkout', body);
}

export function checkoutCancelledPage(): string {
  return renderHtmlPage(
    'Payment cancelled',
    '<div class="error-page"><h1>Payment cancelled</h1><p>Nothing was charged. Your answers are saved: you can choose a report and check out again.</p><div class="actions"><a class="button" href="/calculator/tier">Back to the report choice</a></div></div>',
  );
}

/** The form that e-mails a fresh report link to the buyer's address (the same answer either way). */
const RESEND_FORM = `<form method="post" action="/calculator/report-link" novalidate>
<div class="field"><label for="email">Your e-mail address</label><span class="hint" id="email-hint">We send a new link to your report if this address bought one.</span><input type="email" id="email" name="email" autocomplete="email" aria-describedby="email-hint" required></div>
<button type="submit">E-mail me a new link</button>
</form>`;

export function returnPage(kind: 'used' | 'unpaid' | 'unknown'): string {
  const [title, text] = {
    used: [
      'This link was already used',
      'The report link was opened from here once already. Use the link in your receipt e-mail to read your report, or have a new one sent.',
    ],
    unpaid: [
      'Payment not confirmed yet',
      'The payment provider has not confirmed this payment yet. Reload this page in a moment.',
    ],
    unknown: ['Checkout not found', 'This link does not match any checkout.'],
  }[kind];
  return renderHtmlPage(
    title,
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${kind === 'used' ? RESEND_FORM : ''}`,
  );
}
