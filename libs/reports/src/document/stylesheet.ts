import { createHash } from 'node:crypto';

/** The one stylesheet of every report page, inlined; the CSP allows exactly this by hash. */
export const REPORT_CSS = `
:root{--ink:#1f2933;--muted:#52606d;--accent:#8d2b0b;--line:#e4e7eb;--soft:#f7f3f0}
*{box-sizing:border-box}
body{margin:0;font:16px/1.6 Georgia,"Times New Roman",serif;color:var(--ink);background:#fff}
main{max-width:760px;margin:0 auto;padding:32px 20px 64px}
header.cover{border-bottom:3px solid var(--accent);margin-bottom:32px;padding-bottom:16px}
header.cover h1{font-size:2rem;margin:0 0 8px}
header.cover p{color:var(--muted);margin:0}
section{margin:0 0 36px;break-inside:auto}
h2{font-size:1.4rem;color:var(--accent);border-bottom:1px solid var(--line);padding-bottom:4px;break-after:avoid}
h3{font-size:1.1rem;margin:20px 0 6px;break-after:avoid}
table{width:100%;border-collapse:collapse;margin:12px 0;font-size:.95rem}
th,td{border:1px solid var(--line);padding:6px 10px;text-align:left;vertical-align:top}
th{background:var(--soft)}
.callout{border-left:4px solid var(--accent);background:var(--soft);padding:10px 14px;margin:12px 0}
.callout.warning{border-color:#b7791f;background:#fffaf0}
.callout.success{border-color:#2f855a;background:#f0fff4}
.callout strong{display:block}
footer{color:var(--muted);font-size:.85rem;border-top:1px solid var(--line);padding-top:12px}
.error-page{text-align:center;padding-top:80px}
@media print{
  body{font-size:11pt}
  main{max-width:none;padding:0}
  a{color:inherit;text-decoration:none}
  section{break-inside:avoid-page}
  h2{break-before:auto}
  .callout{background:none}
}
@page{margin:18mm 16mm}
`.trim();

export const REPORT_CSS_HASH = `'sha256-${createHash('sha256').update(REPORT_CSS).digest('base64')}'`;

/** Strict CSP for report pages: nothing loads, nothing runs; only the inline stylesheet applies. */
export const REPORT_CSP = [
  "default-src 'none'",
  `style-src ${REPORT_CSS_HASH}`,
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
