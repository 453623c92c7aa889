import PDFDocument from 'pdfkit';
import type { Block, ReportDocument } from './model.js';

/** The standard PDF fonts speak WinAnsi: map the few symbols we use that it lacks. */
const REPLACEMENTS: Record<string, string> = {
  '≤': '<=',
  '≥': '>=',
  '→': '->',
  '≈': '~',
  '−': '-',
  '✓': '+',
};

/* eslint-disable no-control-regex -- keeping tab and newlines is the point */
const OUTSIDE_WINANSI =
  /[^\x09\x0A\x0D\x20-\x7E\u00A0-\u00FF\u2013\u2014\u2018\u2019\u201C\u201D\u2022\u2026\u20AC]/g;

/* eslint-enable no-control-regex */

export function pdfSafe(text: string): string {
  return text.replace(/[≤≥→≈−✓]/g, (c) => REPLACEMENTS[c]!).replace(OUTSIDE_WINANSI, '?');
}

const INK = '#1f2933';
const ACCENT = '#8d2b0b';
const MUTED = '#52606d';

function renderBlock(pdf: PDFKit.PDFDocument, b: Block): void {
  const width = pdf.page.width - pdf.page.margins.left - pdf.page.margins.right;
  switch (b.type) {
    case 'heading':
      pdf.moveDown(0.4).font('Helvetica-Bold').fontSize(12).fillColor(INK).text(pdfSafe(b.text));
      break;
    case 'paragraph':
      pdf
        .moveDown(0.3)
        .font('Helvetica')
        .fontSize(10.5)
        .fillColor(INK)
        .text(pdfSafe(b.text), { align: 'left' });
      break;
    case 'list':
      pdf.moveDown(0.3).font('Helvetica').fontSize(10.5).fillColor(INK);
      b.items.forEach((item, i) =>
        pdf.text(`${b.ordered ? `${i + 1}.` : '•'}  ${pdfSafe(item)}`, { indent: 10 }),
      );
      break;
    case 'table': {
      pdf.moveDown(0.4);
      const colWidth = width / b.columns.length;
      const row = (cells: string[], bold: boolean) => {
        const y = pdf.y;
        const heights = cells.map((c) =>
          pdf
            .font(bold ? 'Helvetica-Bold' : 'Helvetica')
            .fontSize(9.5)
            .heightOfString(pdfSafe(c), { width: colWidth - 8 }),
        );
        const h = Math.max(...heights) + 6;
        if (y + h > pdf.page.height - pdf.page.margins.bottom) pdf.addPage();
        const top = pdf.y;
        cells.forEach((c, i) => {
          const x = pdf.page.margins.left + i * colWidth;
          pdf.rect(x, top, colWidth, h).strokeColor('#d0d5da').lineWidth(0.5).stroke();
          pdf
            .font(bold ? 'Helvetica-Bold' : 'Helvetica')
            .fontSize(9.5)
            .fillColor(INK)
            .text(pdfSafe(c), x + 4, top + 3, { width: colWidth - 8 });
        });
        pdf.x = pdf.page.margins.left;
        pdf.y = top + h;
      };
      row(b.columns, true);
      b.rows.forEach((r) => row(r, false));
      break;
    }
    case 'callout':
      pdf
        .moveDown(0.4)
        .font('Helvetica-Bold')
        .fontSize(10.5)
        .fillColor(b.tone === 'warning' ? '#b7791f' : ACCENT);
      if (b.title) pdf.text(pdfSafe(b.title));
      pdf.font('Helvetica').fillColor(INK).text(pdfSafe(b.text), { indent: 8 });
      break;
  }
}

/** Renders the document model to PDF with pdfkit (pure JavaScript; no browser at run time). */
export function renderPdf(doc: ReportDocument, generatedAt: Date): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 56, right: 56 },
    info: { Title: pdfSafe(doc.title), Author: 'Nutrition Reports Platform', CreationDate: generatedAt },
    bufferPages: true,
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.font('Helvetica-Bold').fontSize(22).fillColor(ACCENT).text(pdfSafe(doc.title));
  pdf.moveDown(0.3).font('Helvetica').fontSize(12).fillColor(MUTED).text(pdfSafe(doc.subtitle));
  for (const [i, section] of doc.sections.entries()) {
    if (pdf.y > pdf.page.height - 160) pdf.addPage();
    pdf
      .moveDown(1.2)
      .font('Helvetica-Bold')
      .fontSize(15)
      .fillColor(ACCENT)
      .text(pdfSafe(`${i + 1}. ${section.title}`)); // numbered as they appear
    for (const b of section.blocks) renderBlock(pdf, b);
  }
  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const bottom = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    pdf
      .font('Helvetica')
      .fontSize(8)
      .fillColor(MUTED)
      .text(`${pdfSafe(doc.generatedFor)} — page ${i + 1} of ${range.count}`, 56, pdf.page.height - 36, {
        width: pdf.page.width - 112,
        align: 'center',
      });
    pdf.page.margins.bottom = bottom;
  }
  pdf.end();
  return done;
}
