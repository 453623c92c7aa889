export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function layout(title: string, bodyHtml: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2933;max-width:560px;margin:auto;padding:24px">
${bodyHtml}
<p style="color:#7b8794;font-size:12px">This link is personal: anyone who has it can open the page. Don't forward this e-mail.</p>
</body></html>`;
}

export function resumeLinkMail(link: string): MailContent {
  return {
    subject: 'Continue your nutrition calculator',
    text: `You asked to continue your nutrition calculator.\n\nPick up where you left off:\n${link}\n\nThe link works for 7 days. If you did not ask for it, ignore this e-mail.`,
    html: layout(
      'Continue your nutrition calculator',
      `<p>You asked to continue your nutrition calculator.</p>
<p><a href="${escapeHtml(link)}">Pick up where you left off</a></p>
<p>The link works for 7 days. If you did not ask for it, ignore this e-mail.</p>`,
    ),
  };
}

export function reportReadyMail(firstName: string, link: string, expiresAt: Date): MailContent {
  const until = expiresAt.toISOString().slice(0, 10);
  return {
    subject: `${firstName}, your nutrition report is ready`,
    text: `Hi ${firstName},\n\nYour personalised nutrition report is ready:\n${link}\n\nIt stays available until ${until}.`,
    html: layout(
      'Your nutrition report is ready',
      `<p>Hi ${escapeHtml(firstName)},</p>
<p>Your personalised nutrition report is ready.</p>
<p><a href="${escapeHtml(link)}">Open your report</a></p>
<p>It stays available until ${until}.</p>`,
    ),
  };
}

/** Fresh links to the reports an address bought (asked for from the "link already used" page). */
export function reportLinkMail(reports: { link: string; expiresAt: Date }[]): MailContent {
  const lines = reports.map((r) => `${r.link}\n(available until ${r.expiresAt.toISOString().slice(0, 10)})`);
  return {
    subject: 'A new link to your nutrition report',
    text: `You asked for a new link to your nutrition report.\n\n${lines.join('\n\n')}\n\nEarlier links keep working. If you did not ask for this, you can ignore this e-mail.`,
    html: layout(
      'A new link to your nutrition report',
      `<p>You asked for a new link to your nutrition report.</p>
${reports
  .map(
    (r) =>
      `<p><a href="${escapeHtml(r.link)}">Open your report</a> (available until ${r.expiresAt.toISOString().slice(0, 10)})</p>`,
  )
  .join('\n')}
<p>Earlier links keep working. If you did not ask for this, you can ignore this e-mail.</p>`,
    ),
  };
}

/** The one-time link to see, download or erase what is held about an address. */
export function privacyLinkMail(link: string, hours: number): MailContent {
  return {
    subject: 'Your data: download or delete it',
    text: `You asked to see, download or delete the data we hold about this address.\n\nOpen:\n${link}\n\nThe link works once for deletion and expires in ${hours} hours. If you did not ask for it, ignore this e-mail: nothing changes.`,
    html: layout(
      'Your data: download or delete it',
      `<p>You asked to see, download or delete the data we hold about this address.</p>
<p><a href="${escapeHtml(link)}">See, download or delete your data</a></p>
<p>The link works once for deletion and expires in ${hours} hours. If you did not ask for it, ignore this e-mail: nothing changes.</p>`,
    ),
  };
}
