import sanitizeHtml from 'sanitize-html';
import type { Block, ReportDocument } from './model.js';
import { REPORT_CSS } from './stylesheet.js';

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function block(b: Block): string {
  switch (b.type) {
    case 'heading':
      return `<h3>${escapeHtml(b.text)}</h3>`;
    case 'paragraph':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'list': {
      const tag = b.ordered ? 'ol' : 'ul';
      return `<${tag}>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</${tag}>`;
    }
    case 'table':
      return `<table><thead><tr>${b.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${b.rows
        .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
    case 'callout':
      return `<div class="callout ${b.tone}">${b.title ? `<strong>${escapeHtml(b.title)}</strong>` : ''}${escapeHtml(b.text)}</div>`;
  }
}

/** Allow-list for the report body: structure only, no scripts, no event handlers, no URLs. */
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'header',
    'section',
    'h1',
    'h2',
    'h3',
    'p',
    'ul',
    'ol',
    'li',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'div',
    'strong',
    'em',
  ],
  allowedAttributes: { section: ['id'], div: ['class'], header: ['class'] },
  allowedSchemes: [],
  disallowedTagsMode: 'discard',
};

/** The report body (sections), escaped, then passed through the sanitiser as a second line of defence. */
export function renderHtmlBody(doc: ReportDocument): string {
  const body = [
    `<header class="cover"><h1>${escapeHtml(doc.title)}</h1><p>${escapeHtml(doc.subtitle)}</p></header>`,
    // numbered as they appear (a tier's sections are a subset of the catalogue's numbers)
    ...doc.sections.map(
      (s, i) =>
        `<section id="${escapeHtml(s.key)}"><h2>${i + 1}. ${escapeHtml(s.title)}</h2>${s.blocks.map(block).join('')}</section>`,
    ),
  ].join('\n');
  return sanitizeHtml(body, SANITIZE);
}

/** The site's header on every page a buyer sees: the way back to the start. */
export const SITE_HEADER =
  '<header class="site-header"><nav aria-label="Site"><a class="brand" href="/">Nutrition Reports</a><a href="/calculator">Calculator</a></nav></header>';

/** A complete page: one inline stylesheet (print styles included), no script. */
export function renderHtmlPage(
  title: string,
  bodyHtml: string,
  footer?: string,
  opts: { refreshSeconds?: number } = {},
): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
${opts.refreshSeconds ? `<meta http-equiv="refresh" content="${opts.refreshSeconds}">\n` : ''}<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${SITE_HEADER}
<main>
${bodyHtml}
${footer ? `<footer>${escapeHtml(footer)}</footer>` : ''}
</main>
</body>
</html>
`;
}
