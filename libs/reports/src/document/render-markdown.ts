import type { Block, ReportDocument } from './model.js';

const escapeMd = (s: string) => s.replace(/([\\`*_[\]#|<>])/g, '\\$1');

function block(b: Block): string {
  switch (b.type) {
    case 'heading':
      return `### ${escapeMd(b.text)}`;
    case 'paragraph':
      return escapeMd(b.text);
    case 'list':
      return b.items.map((item, i) => `${b.ordered ? `${i + 1}.` : '-'} ${escapeMd(item)}`).join('\n');
    case 'table': {
      const row = (cells: string[]) => `| ${cells.map(escapeMd).join(' | ')} |`;
      return [row(b.columns), `|${b.columns.map(() => ' --- ').join('|')}|`, ...b.rows.map(row)].join('\n');
    }
    case 'callout':
      return `> **${escapeMd(b.title ?? (b.tone === 'warning' ? 'Important' : 'Note'))}:** ${escapeMd(b.text)}`;
  }
}

export function renderMarkdown(doc: ReportDocument): string {
  const parts = [`# ${escapeMd(doc.title)}`, `_${escapeMd(doc.subtitle)}_`];
  for (const [i, s] of doc.sections.entries()) {
    parts.push(`## ${i + 1}. ${escapeMd(s.title)}`); // numbered as they appear
    for (const b of s.blocks) parts.push(block(b));
  }
  return parts.join('\n\n') + '\n';
}
