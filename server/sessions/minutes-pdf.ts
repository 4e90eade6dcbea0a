import type { MinutesBlock, MinutesRun } from '../../shared/sessions/minutes.ts';
import { chooseFonts } from '../export/pdf-fonts.ts';
import { a4Document, collectPdf, PdfLayout } from '../export/pdf-render.ts';

/** What a minutes file says besides its text: whose, which session, in what state. */
export interface MinutesDocumentInput {
  negotiationTitle: string;
  sessionTitle: string;
  /** "Séance du mardi 26 septembre 2023". */
  sessionLine: string;
  /** "Approuvé le … par …" or "Projet – non approuvé". */
  statusLine: string;
  approved: boolean;
  /** The minutes as plain text (which fonts the file needs). */
  text: string;
  /** The minutes as laid out: headings, tables, lists at their depth, runs with their emphasis. */
  blocks: MinutesBlock[];
  /** For deterministic metadata. */
  at: Date;
}

const MARGIN = 64;
const BODY = 10.5;
const GAP = 5;
const RULE = '#1f3a5f';

/**
 * The minutes as a PDF, laid out as a secretariat's relevé de décisions: a header band
 * (negotiation, title, session, status), the attendance as a ruled table, the sections,
 * the decisions numbered in a left gutter, "page n / N" in the footer.
 */
export async function renderMinutesPdf(input: MinutesDocumentInput): Promise<Buffer> {
  const fonts = chooseFonts(input.text + input.negotiationTitle + input.sessionTitle);
  const doc = a4Document(MARGIN, { Title: `Relevé de décisions – ${input.sessionLine}`, Subject: input.negotiationTitle }, input.at);
  return collectPdf(doc, () => new MinutesLayout(doc, fonts).render(input));
}

class MinutesLayout extends PdfLayout {
  render(input: MinutesDocumentInput): void {
    this.header(input);
    for (const block of input.blocks) this.block(block);
    this.footers(input);
  }

  private header(input: MinutesDocumentInput): void {
    const { doc, fonts } = this;
    doc.font(fonts.regular).fontSize(9).fillColor('#555555');
    doc.text(this.t(input.negotiationTitle.toLocaleUpperCase('fr')), this.left, this.doc.y, { width: this.width, characterSpacing: 0.5 });
    doc.moveDown(0.6);
    doc.font(fonts.bold).fontSize(20).fillColor(RULE).text(this.t('Relevé de décisions'), { width: this.width });
    doc.moveDown(0.2);
    doc.font(fonts.regular).fontSize(12).fillColor('black').text(this.t(input.sessionLine), { width: this.width });
    doc.font(fonts.italic).fontSize(10).fillColor(input.approved ? '#1b5e20' : '#8a4b00').text(this.t(input.statusLine), { width: this.width });
    doc.fillColor('black');
    const y = doc.y + 8;
    doc.moveTo(this.left, y).lineTo(this.left + this.width, y).lineWidth(1.5).strokeColor(RULE).stroke();
    doc.y = y + 12;
  }

  private block(block: MinutesBlock): void {
    const { doc, fonts } = this;
    switch (block.kind) {
      case 'title':
        // The header already carries the title.
        return;
      case 'section': {
        this.keep(60);
        doc.moveDown(0.6);
        doc.fontSize(12).fillColor(RULE);
        this.runs((block.runs ?? [{ text: block.text }]).map((r) => ({ ...r, text: r.text.toLocaleUpperCase('fr'), bold: true })), this.left, doc.y, { width: this.width });
        const y = doc.y + 2;
        doc.moveTo(this.left, y).lineTo(this.left + this.width, y).lineWidth(0.5).strokeColor('#9aa9bd').stroke();
        doc.fillColor('black');
        doc.y = y + 6;
        return;
      }
      case 'subsection':
        this.keep(40);
        doc.moveDown(0.3);
        doc.fontSize(BODY + 0.5).fillColor(RULE);
        this.runs((block.runs ?? [{ text: block.text }]).map((r) => ({ ...r, bold: true })), this.left, doc.y, { width: this.width });
        doc.fillColor('black');
        doc.y += 2;
        return;
      case 'table':
        this.table(block.header, block.rows);
        return;
      case 'numbered': {
        const gutter = 26;
        const left = this.left + (block.depth ?? 0) * 18;
        const width = this.width - (left - this.left);
        doc.font(fonts.regular).fontSize(BODY);
        const height = doc.heightOfString(this.t(block.text), { width: width - gutter, lineGap: 2 });
        this.keep(Math.min(height, 80) + GAP);
        const y = doc.y;
        doc.font(fonts.bold).fillColor(RULE).text(`${block.number}.`, left, y, { width: gutter - 6, align: 'right' });
        doc.fillColor('black');
        this.runs(block.runs ?? [{ text: block.text }], left + gutter, y, { width: width - gutter, lineGap: 2, align: 'justify' });
        doc.y += GAP;
        return;
      }
      case 'item': {
        const indent = 14;
        const left = this.left + (block.depth ?? 0) * 18;
        const width = this.width - (left - this.left);
        doc.font(fonts.regular).fontSize(BODY);
        this.keep(Math.min(doc.heightOfString(this.t(block.text), { width: width - indent, lineGap: 2 }), 60));
        const y = doc.y;
        if (!block.continuation) doc.text((block.depth ?? 0) % 2 === 0 ? '–' : '•', left + 2, y, { width: indent });
        this.runs(block.runs ?? [{ text: block.text }], left + indent, y, { width: width - indent, lineGap: 2, align: 'justify' });
        doc.y += GAP;
        return;
      }
      case 'paragraph':
        doc.fontSize(BODY);
        this.runs(block.runs ?? [{ text: block.text }], this.left, doc.y, { width: this.width, lineGap: 2, paragraphGap: GAP });
        return;
    }
  }

  /** Runs of text in one paragraph, each in the face its emphasis asks for (pdfkit's `continued`). */
  private runs(runs: readonly MinutesRun[], x: number, y: number, options: PDFKit.Mixins.TextOptions): void {
    const { doc, fonts } = this;
    const shown = runs.filter((r) => r.text.length > 0);
    if (shown.length === 0) {
      doc.font(fonts.regular).text('', x, y, options);
      return;
    }
    shown.forEach((run, i) => {
      const face = run.bold && run.italic ? (fonts.winAnsi ? 'Times-BoldItalic' : fonts.bold) : run.bold ? fonts.bold : run.italic ? fonts.italic : fonts.regular;
      doc.font(face);
      const continued = i < shown.length - 1;
      if (i === 0) doc.text(this.t(run.text), x, y, { ...options, continued });
      else doc.text(this.t(run.text), { ...options, continued });
    });
  }

  /** A ruled table; columns sized for "organisation | presence | delegates". */
  private table(header: string[], rows: string[][]): void {
    const { doc, fonts } = this;
    const columns = header.length;
    const ratios = columns === 3 ? [0.2, 0.2, 0.6] : Array<number>(columns).fill(1 / columns);
    const widths = ratios.map((r) => r * this.width);
    const pad = 4;
    const drawRow = (cells: string[], bold: boolean, shade: boolean) => {
      doc.font(bold ? fonts.bold : fonts.regular).fontSize(9.5);
      const heights = widths.map((w, i) => doc.heightOfString(this.t(cells[i] ?? ''), { width: w - 2 * pad }));
      const height = Math.max(...heights) + 2 * pad;
      this.keep(height);
      const y = doc.y;
      if (shade) doc.rect(this.left, y, this.width, height).fill('#e8edf4').fillColor('black');
      let x = this.left;
      widths.forEach((w, i) => {
        doc.font(bold ? fonts.bold : fonts.regular).fontSize(9.5).fillColor('black');
        doc.text(this.t(cells[i] ?? ''), x + pad, y + pad, { width: w - 2 * pad });
        doc.rect(x, y, w, height).lineWidth(0.5).strokeColor('#7d8ca3').stroke();
        x += w;
      });
      doc.y = y + height;
    };
    drawRow(header, true, true);
    rows.forEach((row) => drawRow(row, false, false));
    doc.y += GAP * 2;
  }

  private footers(input: MinutesDocumentInput): void {
    const { doc, fonts } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottomMargin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc.font(fonts.regular).fontSize(8).fillColor('#555555');
      const y = doc.page.height - bottomMargin + 20;
      doc.text(this.t(`Relevé de décisions – ${input.sessionLine}`), this.left, y, { width: this.width * 0.75, lineBreak: false });
      doc.text(`${i + 1} / ${range.count}`, this.left, y, { width: this.width, align: 'right', lineBreak: false });
      doc.page.margins.bottom = bottomMargin;
      doc.fillColor('black');
    }
  }
}
