import { AlignmentType, BorderStyle, Document, Footer, HeadingLevel, Packer, PageNumber, Paragraph, Table, TableCell, TableRow, TabStopPosition, TabStopType, TextRun, WidthType } from 'docx';
import type { AmendmentBook, BookEntry } from './amendment-book.ts';
import { LABELS, frenchSpacing } from './french.ts';
import { NUMBERING, STYLES } from './docx.ts';
import { chooseFonts } from './pdf-fonts.ts';
import { a4Document, collectPdf } from './pdf-render.ts';
import { RichLayout, plain, type RichParagraph } from './pdf-rich.ts';

/**
 * The « cahier d'amendements » as PDF and DOCX: a heading per article, then one row per
 * amendment — number, organisation, the formula and its justification, status and outcome.
 */

const t = frenchSpacing;
const COLUMNS = [0.07, 0.14, 0.55, 0.24];
const HEADINGS = ['N°', 'Organisation', 'Amendement et exposé des motifs', 'Statut et suite donnée'];

class BookLayout extends RichLayout {
  render(book: AmendmentBook): void {
    const doc = this.doc;
    doc.font(this.fonts.bold).fontSize(15).text(this.t(LABELS.amendmentBook.toLocaleUpperCase('fr')), this.left, doc.y, { width: this.width, align: 'center' });
    doc.font(this.fonts.bold).fontSize(12).text(this.t(book.title), { width: this.width, align: 'center', paragraphGap: 4 });
    doc.font(this.fonts.italic).fontSize(9.5).text(this.t(`${book.subtitle} · ${book.total} amendement${book.total > 1 ? 's' : ''} déposé${book.total > 1 ? 's' : ''}`), { width: this.width, align: 'center', paragraphGap: 12 });
    if (book.empty) {
      doc.font(this.fonts.regular).fontSize(11).text(this.t(book.empty), { width: this.width, align: 'center' });
    } else {
      this.beginTable(COLUMNS, HEADINGS.map((h) => [plain(h, 'bold')]));
      for (const article of book.articles) {
        this.band([plain(article.heading, 'bold', 10)]);
        for (const e of article.entries) this.row(cells(e));
      }
      this.endTable();
    }
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottomMargin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const y = doc.page.height - bottomMargin + 16;
      doc.font(this.fonts.italic).fontSize(8).fillColor('#555555').text(this.t(`${LABELS.amendmentBook} · ${book.title}`), this.left, y, { width: this.width - 60, lineBreak: false });
      doc.font(this.fonts.regular).fontSize(8.5).fillColor('black').text(`${LABELS.page} ${i - range.start + 1} / ${range.count}`, this.left, y, { width: this.width, align: 'right', lineBreak: false });
      doc.page.margins.bottom = bottomMargin;
    }
  }
}

function cells(e: BookEntry): RichParagraph[][] {
  return [
    [plain(e.number, 'bold')],
    [plain(e.org, 'bold'), plain(e.author, 'regular', 8, '#444444')],
    [plain(e.formula), ...(e.justification.trim() ? [plain(`Exposé des motifs : ${e.justification}`, 'italic', 8.5, '#333333')] : [])],
    [plain(e.status, 'bold', 8.5), plain(e.outcome, 'regular', 8.5)],
  ];
}

export async function renderAmendmentBookPdf(book: AmendmentBook, at: Date): Promise<Buffer> {
  const fonts = chooseFonts(JSON.stringify(book));
  const doc = a4Document(48, { Title: `${LABELS.amendmentBook} – ${book.title}`, Subject: book.subtitle, Keywords: 'cahier d’amendements' }, at);
  return collectPdf(doc, () => new BookLayout(doc, fonts).render(book));
}

export async function renderAmendmentBookDocx(book: AmendmentBook): Promise<Buffer> {
  const border = { style: BorderStyle.SINGLE, size: 4, color: '555555' };
  const borders = { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border };
  const cell = (paragraphs: Paragraph[], width: number, fill?: string, span?: number) =>
    new TableCell({
      width: { size: Math.round(width * 100), type: WidthType.PERCENTAGE },
      ...(fill ? { shading: { fill } } : {}),
      ...(span ? { columnSpan: span } : {}),
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      children: paragraphs,
    });
  const p = (text: string, options: { bold?: boolean; italics?: boolean; size?: number; color?: string } = {}) =>
    new Paragraph({ spacing: { after: 40 }, children: [new TextRun({ text: t(text), size: options.size ?? 19, ...options })] });
  const rows: TableRow[] = [new TableRow({ tableHeader: true, children: HEADINGS.map((h, i) => cell([p(h, { bold: true })], COLUMNS[i], 'E8E8E8')) })];
  for (const article of book.articles) {
    rows.push(new TableRow({ cantSplit: true, children: [cell([p(article.heading, { bold: true, size: 20 })], 1, 'F2F2F2', 4)] }));
    for (const e of article.entries) {
      rows.push(
        new TableRow({
          children: [
            cell([p(e.number, { bold: true })], COLUMNS[0]),
            cell([p(e.org, { bold: true }), p(e.author, { size: 16, color: '444444' })], COLUMNS[1]),
            cell([p(e.formula), ...(e.justification.trim() ? [p(`Exposé des motifs : ${e.justification}`, { italics: true, size: 17 })] : [])], COLUMNS[2]),
            cell([p(e.status, { bold: true, size: 17 }), p(e.outcome, { size: 17 })], COLUMNS[3]),
          ],
        }),
      );
    }
  }
  const doc = new Document({
    title: `${LABELS.amendmentBook} – ${book.title}`,
    subject: book.subtitle,
    creator: 'Espace de négociation collective',
    styles: STYLES,
    numbering: NUMBERING,
    sections: [
      {
        properties: { page: { margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } } },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                tabStops: [{ type: TabStopType.RIGHT, position: TabStopPosition.MAX }],
                children: [
                  new TextRun({ text: t(`${LABELS.amendmentBook} · ${book.title}`), italics: true, size: 16 }),
                  new TextRun({ children: ['\t', `${LABELS.page} `, PageNumber.CURRENT, ' / ', PageNumber.TOTAL_PAGES], size: 18 }),
                ],
              }),
            ],
          }),
        },
        children: [
          new Paragraph({ text: t(LABELS.amendmentBook), heading: HeadingLevel.TITLE }),
          new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: t(book.title), bold: true })] }),
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text: t(`${book.subtitle} · ${book.total} amendement${book.total > 1 ? 's' : ''} déposé${book.total > 1 ? 's' : ''}`), italics: true, size: 19 })] }),
          ...(book.empty ? [p(book.empty)] : [new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, borders, rows })]),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
