import { createHash } from 'node:crypto';

/**
 * The one stylesheet of every page a buyer sees (landing, calculator, checkout, progress, report),
 * inlined; the CSP allows exactly this by hash.
 */
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
.error-page{text-align:center;padding-top:48px}
.error-page ul{display:inline-block;text-align:left;margin:0 auto 16px}
.site-header{border-bottom:1px solid var(--line);background:var(--soft)}
.site-header nav{max-width:760px;margin:0 auto;padding:10px 20px;display:flex;flex-wrap:wrap;gap:8px 20px;align-items:center;font:15px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif}
.site-header .brand{font-weight:700;color:var(--ink);text-decoration:none;margin-right:auto}
a{color:var(--accent)}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f0b429;outline-offset:2px}
.lead{font-size:1.15rem;color:var(--muted)}
.actions{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:24px 0}
.error-page .actions{justify-content:center}
.button,button{display:inline-block;font:600 1rem/1.2 system-ui,-apple-system,"Segoe UI",sans-serif;padding:12px 20px;border-radius:6px;border:2px solid var(--accent);background:var(--accent);color:#fff;text-decoration:none;cursor:pointer;min-height:44px}
.button.secondary,button.secondary{background:#fff;color:var(--accent)}
form.inline{display:inline}
.steps{list-style:none;display:flex;gap:6px;padding:0;margin:0 0 20px;font:14px/1.4 system-ui,sans-serif;color:var(--muted)}
.steps li{flex:1;border-top:4px solid var(--line);padding-top:4px}
.steps li.done,.steps li.current{border-color:var(--accent);color:var(--ink)}
.steps li.current{font-weight:700}
.field{margin:0 0 22px}
fieldset.field{border:0;padding:0}
.field label,.field legend{display:block;font-weight:700;margin-bottom:4px;padding:0}
.field .hint{display:block;color:var(--muted);font-size:.95rem;margin-bottom:6px}
.field input[type=text],.field input[type=email],.field input[type=number],.field select,.field textarea{font:inherit;width:100%;max-width:28rem;padding:10px;border:2px solid var(--ink);border-radius:4px;background:#fff;min-height:44px}
.field input.short{max-width:9rem}
.field textarea{min-height:6rem}
.choice{display:flex;gap:10px;align-items:flex-start;margin:6px 0}
.choice input{width:22px;height:22px;margin:3px 0 0;flex:none}
.choice label{font-weight:400;margin:0}
.field.invalid{border-left:4px solid #b42318;padding-left:14px}
.field.invalid input,.field.invalid select,.field.invalid textarea{border-color:#b42318}
.visually-hidden{position:absolute!important;width:1px;height:1px;margin:0;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.field-error{display:block;color:#b42318;font-weight:700;margin-bottom:6px}
.error-summary{border:4px solid #b42318;padding:12px 18px;margin:0 0 24px}
.error-summary h2{color:#b42318;border:0;margin:0 0 8px;font-size:1.2rem}
.inline-fields{display:flex;gap:16px;flex-wrap:wrap}
.targets{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;margin:16px 0}
.targets div{background:var(--soft);padding:12px;border-radius:6px}
.targets strong{display:block;font-size:1.5rem}
.tiers{display:grid;gap:14px}
.tier{border:2px solid var(--line);border-radius:8px;padding:14px 16px}
.tier .price{font-size:1.3rem;font-weight:700}
.tier ul{margin:6px 0 0;padding-left:1.2rem}
.price{font-size:1.6rem;font-weight:700;margin:4px 0 12px}
.later{border-top:1px solid var(--line);margin-top:32px;padding-top:8px}
.mail-body{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);padding:14px;border-radius:6px;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace}
.report-actions{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 24px}
@media (max-width:480px){main{padding:20px 16px 48px}header.cover h1{font-size:1.6rem}.button,button{width:100%;text-align:center}}
@media print{
  body{font-size:11pt}
  main{max-width:none;padding:0}
  a{color:inherit;text-decoration:none}
  .site-header,.report-actions,.actions{display:none}
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
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
