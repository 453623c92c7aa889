import { REPORT_CSS_HASH, escapeHtml, renderHtmlPage } from '#libs/reports';
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

/** The sandbox stand-in for Stripe's payment page: what is bought, Pay and Cancel (plain form posts). */
export function sandboxCheckoutPage(checkoutId: string, state: CheckoutState, tier: Tier): string {
  const id = encodeURIComponent(checkoutId);
  const body = state.paid
    ? `<h1>Already paid</h1><p>This checkout is paid. The report link was shown after payment and sent by e-mail.</p>`
    : `<h1>Pay for your ${escapeHtml(tier.name)} report</h1>
<p class="price">${escapeHtml(money(state.amountCents ?? tier.price_cents, state.currency ?? tier.currency))}</p>
<ul>
<li>${tier.sections.length} personalised sections</li>
<li>Available for ${tier.report_expiry_days} days</li>
<li>${tier.revisions} revision${tier.revisions === 1 ? '' : 's'} included</li>
</ul>
<p>Sandbox mode: no card is charged. Pay completes the payment as Stripe's page would.</p>
<form method="post" action="/api/v1/payments/sandbox/${id}/pay"><button type="submit">Pay</button></form>
<form method="post" action="/api/v1/payments/sandbox/${id}/cancel"><button type="submit">Cancel</button></form>`;
  return renderHtmlPage('Checkout', `<div class="error-page">${body}</div>`);
}

export function checkoutCancelledPage(): string {
  return renderHtmlPage(
    'Payment cancelled',
    '<div class="error-page"><h1>Payment cancelled</h1><p>Nothing was charged. Your answers are saved: you can check out again from the calculator.</p></div>',
  );
}

export function returnPage(kind: 'used' | 'unpaid' | 'unknown'): string {
  const [title, text] = {
    used: [
      'This link was already used',
      'The report link was opened from here once already. Use the link in your receipt e-mail to read your report.',
    ],
    unpaid: [
      'Payment not confirmed yet',
      'The payment provider has not confirmed this payment yet. Reload this page in a moment.',
    ],
    unknown: ['Checkout not found', 'This link does not match any checkout.'],
  }[kind];
  return renderHtmlPage(
    title,
    `<div class="error-page"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></div>`,
  );
}
