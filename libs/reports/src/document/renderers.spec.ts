import { PDFParse } from 'pdf-parse';
import { composeReport } from '../composer/composer.js';
import { reportInput } from '../composer/fixtures.js';
import { renderHtmlBody, renderHtmlPage } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { renderPdf } from './render-pdf.js';
import { REPORT_CSP, REPORT_CSS, REPORT_CSS_HASH } from './stylesheet.js';

const hostile = reportInput({
  first_name: '<script>alert(1)</script>Mike',
  additional_notes:
    '<img src=x onerror="alert(2)"> <a href="javascript:alert(3)">click</a> <style>body{}</style>',
  biggest_challenge: '"><svg onload=alert(4)>',
});

describe('renderers', () => {
  it('HTML: user text is escaped and nothing executable survives the sanitiser', () => {
    const html = renderHtmlBody(composeReport(hostile));
    expect(html).not.toMatch(/<(script|img|svg|a|style|iframe)\b/i); // no such tags
    expect(html).not.toMatch(/<[^>]*\son\w+=/i); // no event-handler attributes
    expect(html).not.toMatch(/<[^>]*\s(href|src)=/i); // no URL attributes
    expect(html).toContain('&lt;svg onload=alert(4)&gt;'); // the text itself is shown, inert
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;Mike');
  });

  it('HTML page: one inline stylesheet with print styles, allowed by hash in the CSP', () => {
    const page = renderHtmlPage('t', renderHtmlBody(composeReport(reportInput())));
    expect(page.match(/<style>/g)).toHaveLength(1);
    expect(REPORT_CSS).toContain('@media print');
    expect(REPORT_CSP).toContain(REPORT_CSS_HASH);
    expect(REPORT_CSP).toContain("default-src 'none'");
    expect(page).not.toContain('<script');
  });

  it('Markdown: sections as numbered headings, tables, and escaped user text', () => {
    const md = renderMarkdown(composeReport(hostile));
    expect(md).toMatch(/^## 3\. Your daily targets$/m);
    expect(md).toMatch(/\| Protein \| 130 g \|/);
    expect(md).not.toContain('<script>');
  });

  it('PDF: a real PDF with pages whose text names the person', async () => {
    const pdf = await renderPdf(composeReport(reportInput()), new Date('2026-11-21T00:00:00Z'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const parser = new PDFParse({ data: new Uint8Array(pdf) });
    const text = await parser.getText();
    await parser.destroy();
    expect(text.total).toBeGreaterThan(1);
    expect(text.text).toContain('Michael');
    expect(text.text).toContain('1958 kcal');
  });
});
