import type { Block, SignedSnapshot } from '../../shared/snapshot.ts';
import { buildAgreementView, type AgreementView, type ArticleView, type SignatureView, type TextView, type WorkingView } from './agreement-view.ts';
import { canonicalJson, fingerprint as fingerprintOf } from './canonical-json.ts';
import { LABELS } from './french.ts';
import { chooseFonts } from './pdf-fonts.ts';
import { a4Document, collectPdf, PdfLayout } from './pdf-render.ts';

/**
 * The PDF export: the agreement laid out as the French original is (title, parties clause,
 * préambule, titres and articles, closing clauses, "Fait à …", signature block), then an
 * annex with the validity assessment and the fingerprint, "Page n / N" in every footer.
 *
 * Deterministic: the dates in the metadata come from the snapshot, so the same snapshot
 * renders the same bytes (pdfkit derives the file ID from the metadata).
 */

const MARGIN = 72; // 2.5 cm
const BODY_SIZE = 11;
const GAP = 6;

export async function renderPdf(snapshot: SignedSnapshot): Promise<Buffer> {
  const fingerprint = fingerprintOf(snapshot);
  const view = buildAgreementView(snapshot, fingerprint);
  const fonts = chooseFonts(canonicalJson(snapshot));
  const doc = a4Document(
    MARGIN,
    {
      // Metadata strings are written in UTF-16 by pdfkit: no font, no folding.
      Title: view.title,
      Subject: `${snapshot.negotiation.title} – empreinte SHA-256 ${fingerprint}`,
      Author: snapshot.parties.filter((p) => p.college !== 'neutral').map((p) => p.shortName).join(', '),
      Keywords: `sha256:${fingerprint}`,
    },
    new Date(snapshot.version.createdAt),
  );
  return collectPdf(doc, () => new Layout(doc, fonts).agreement(view));
}

/**
 * A working version as PDF: the same layout as the signed text, without "Fait à…", signatures
 * or annex; « Document de travail — non signé » under the title and in every footer.
 */
export async function renderWorkingPdf(view: WorkingView, at: Date): Promise<Buffer> {
  const fonts = chooseFonts(JSON.stringify(view));
  const doc = a4Document(MARGIN, { Title: view.title, Subject: `${view.versionLine} – ${view.notice}`, Keywords: 'document de travail' }, at);
  return collectPdf(doc, () => new Layout(doc, fonts).working(view));
}

class Layout extends PdfLayout {
  private text(s: string, font: string, size: number, options: PDFKit.Mixins.TextOptions = {}): void {
    this.doc.font(font).fontSize(size).text(this.t(s), this.left, this.doc.y, { width: this.width, lineGap: 2, ...options });
  }

  private paragraph(s: string): void {
    this.text(s, this.fonts.regular, BODY_SIZE, { align: 'justify', paragraphGap: GAP });
  }

  private centered(s: string, font: string, size: number, gap = GAP): void {
    this.text(s, font, size, { align: 'center', paragraphGap: gap });
  }

  agreement(view: AgreementView): void {
    this.titlePage(view);
    this.body(view);
    this.signatures(view);
    this.annex(view);
    this.footers(`SHA-256 ${view.fingerprint}`, this.fonts.mono, 6.5);
  }

  working(view: WorkingView): void {
    this.titlePage(view);
    this.noticeBox(view.notice, view.noticeDetail);
    this.body(view);
    this.footers(`${view.notice} · ${view.versionLine}`, this.fonts.italic, 8);
  }

  private noticeBox(notice: string, detail: string): void {
    const doc = this.doc;
    const top = doc.y;
    doc.y = top + 8;
    doc.font(this.fonts.bold).fontSize(12).fillColor('#8a1c1c').text(this.t(notice.toLocaleUpperCase('fr')), this.left + 10, doc.y, { width: this.width - 20, align: 'center', paragraphGap: 3 });
    doc.font(this.fonts.italic).fontSize(9).fillColor('black').text(this.t(detail), this.left + 10, doc.y, { width: this.width - 20, align: 'center' });
    const bottom = doc.y + 8;
    doc.rect(this.left, top, this.width, bottom - top).lineWidth(1).strokeColor('#8a1c1c').stroke();
    doc.strokeColor('black');
    doc.x = this.left;
    doc.y = bottom + GAP * 2;
  }

  private body(view: TextView): void {
    this.blocks(view.preamble, view.preamble.length > 0 ? LABELS.preamble : null);
    for (const titre of view.titres) {
      if (titre.label || titre.heading) {
        this.keep(90);
        this.doc.moveDown(1);
        if (titre.label) this.centered(titre.label, this.fonts.bold, 12, 2);
        if (titre.heading) this.centered(titre.heading, this.fonts.bold, 12, GAP * 2);
      }
      for (const chapitre of titre.chapitres) {
        if (chapitre.label || chapitre.heading) {
          this.keep(70);
          this.doc.moveDown(0.5);
          this.centered([chapitre.label, chapitre.heading].filter(Boolean).join(' – '), this.fonts.bold, 11, GAP * 1.5);
        }
        chapitre.articles.forEach((a) => this.article(a));
      }
    }
    if (view.closing.length > 0) {
      this.keep(90);
      this.doc.moveDown(1);
      this.centered(LABELS.closing.toLocaleUpperCase('fr'), this.fonts.bold, 12, GAP * 2);
      view.closing.forEach((a) => this.article(a));
    }
  }

  private titlePage(view: TextView): void {
    this.doc.moveDown(2);
    this.centered(view.title, this.fonts.bold, 15, GAP);
    this.centered(view.versionLine, this.fonts.italic, 9.5, GAP * 4);
    this.text(LABELS.between, this.fonts.bold, BODY_SIZE, { paragraphGap: GAP * 1.5 });
    const party = (designation: string, last: boolean) =>
      this.text(`${designation}${last ? '' : ' ;'}`, this.fonts.regular, BODY_SIZE, { indent: 0, paragraphGap: GAP / 2 });
    view.employers.forEach((p, i) => party(p.designation, i === view.employers.length - 1));
    this.text(LABELS.onOneHand, this.fonts.italic, BODY_SIZE, { align: 'right', paragraphGap: GAP });
    this.text(LABELS.and, this.fonts.bold, BODY_SIZE, { paragraphGap: GAP });
    view.unions.forEach((p, i) => party(p.designation, i === view.unions.length - 1));
    this.text(LABELS.onOtherHand, this.fonts.italic, BODY_SIZE, { align: 'right', paragraphGap: GAP * 2 });
    this.text(view.partiesClause, this.fonts.regular, BODY_SIZE, { paragraphGap: GAP * 2 });
  }

  private blocks(blocks: Block[], heading: string | null): void {
    if (heading) {
      this.keep(80);
      this.doc.moveDown(0.5);
      this.centered(heading, this.fonts.bold, 12, GAP * 1.5);
    }
    blocks.forEach((b) => this.block(b));
  }

  private article(a: ArticleView): void {
    this.keep(70);
    this.doc.moveDown(0.4);
    this.text(a.label, this.fonts.bold, BODY_SIZE, { paragraphGap: GAP });
    a.paragraphs.forEach((b) => this.block(b));
  }

  private block(b: Block): void {
    if (typeof b === 'string') return this.paragraph(b);
    if (b.kind === 'list') {
      b.items.forEach((item, i) => {
        const marker = b.ordered ? `${i + 1}°` : '–';
        this.keep(30);
        const y = this.doc.y;
        this.doc.font(this.fonts.regular).fontSize(BODY_SIZE).text(this.t(marker), this.left + 14, y, { width: 20, lineBreak: false });
        this.doc.text(this.t(item), this.left + 36, y, { width: this.width - 36, align: 'justify', lineGap: 2, paragraphGap: GAP / 2 });
      });
      this.doc.moveDown(0.3);
      return;
    }
    const rows = b.header ? [b.header, ...b.rows] : b.rows;
    const columns = Math.max(...rows.map((r) => r.length));
    this.doc.moveDown(0.2);
    this.table(rows, Array<number>(columns).fill(1), { header: b.header !== null, size: BODY_SIZE - 1, inset: 18 });
  }

  private signatures(view: AgreementView): void {
    this.keep(140);
    this.doc.moveDown(1.5);
    this.text(view.madeAt, this.fonts.regular, BODY_SIZE, { paragraphGap: GAP * 3 });
    const columnWidth = (this.width - 24) / 2;
    const cellHeight = 92;
    for (let i = 0; i < view.signatures.length; i += 2) {
      this.keep(cellHeight);
      const y = this.doc.y;
      view.signatures.slice(i, i + 2).forEach((s, column) => this.signatureCell(s, this.left + column * (columnWidth + 24), y, columnWidth));
      this.doc.x = this.left;
      this.doc.y = y + cellHeight;
    }
  }

  private signatureCell(s: SignatureView, x: number, y: number, width: number): void {
    const doc = this.doc;
    doc.font(this.fonts.bold).fontSize(BODY_SIZE).text(this.t(s.label), x, y, { width });
    doc.font(this.fonts.regular).fontSize(8).fillColor('#444444').text(this.t(s.fullName), x, doc.y + 1, { width, lineGap: 0.5 });
    doc.fillColor('black').moveDown(0.4);
    if (s.signed) {
      doc.font(this.fonts.regular).fontSize(BODY_SIZE).text(this.t(s.signatory), x, doc.y, { width });
      doc.font(this.fonts.italic).fontSize(9).text(this.t(s.detail), x, doc.y + 1, { width });
    } else {
      doc.font(this.fonts.italic).fontSize(BODY_SIZE).fillColor('#666666').text(this.t(s.signatory), x, doc.y, { width });
      doc.fillColor('black');
    }
  }

  private annex(view: AgreementView): void {
    const { annex } = view;
    const doc = this.doc;
    doc.addPage();
    this.centered('ANNEXE', this.fonts.bold, 12, 2);
    this.centered(LABELS.annexTitle.replace(/^Annexe – /, '').toLocaleUpperCase('fr'), this.fonts.bold, 12, GAP);
    this.centered(view.title, this.fonts.italic, 9.5, GAP * 3);

    this.text(`${LABELS.status} : ${annex.statusLabel}`, this.fonts.bold, 13, { paragraphGap: GAP });
    if (annex.statusExplanation) this.paragraph(annex.statusExplanation);
    if (annex.weightsSource) this.text(`${LABELS.weightsSource} : ${annex.weightsSource}.`, this.fonts.regular, 10, { paragraphGap: GAP * 2 });

    const header = [LABELS.organisation, LABELS.weight, LABELS.signature, LABELS.notification, LABELS.opposition];
    this.table([header, ...annex.rows.map((r) => [r.organisation, r.weight, r.signature, r.notification, r.opposition])], [1.1, 1.4, 1.1, 1.1, 1.1]);
    this.table(
      [[LABELS.criterion, LABELS.cumulatedWeight, LABELS.threshold, LABELS.outcome], ...annex.tests.map((x) => [x.label, x.value, x.threshold, x.outcome])],
      [2.0, 1.0, 1.7, 0.8],
    );
    if (annex.oppositionDeadline) this.text(`${LABELS.oppositionDeadline} : ${annex.oppositionDeadline}.`, this.fonts.regular, 10, { paragraphGap: GAP });
    if (annex.reasons.length > 0) {
      this.text(`${LABELS.reasons} :`, this.fonts.bold, 10, { paragraphGap: 2 });
      for (const reason of annex.reasons) {
        this.keep(26);
        const y = doc.y;
        doc.font(this.fonts.regular).fontSize(10).text('–', this.left + 8, y, { lineBreak: false });
        doc.text(this.t(reason), this.left + 22, y, { width: this.width - 22, lineGap: 1.5, paragraphGap: 3 });
      }
      doc.moveDown(0.5);
    }
    this.text(`${LABELS.version} : ${annex.versionName}`, this.fonts.regular, 10, { paragraphGap: 2 });
    for (const hash of annex.versionHashes) {
      this.text(`${LABELS.versionHash} :`, this.fonts.regular, 10, { paragraphGap: 1 });
      this.text(hash, this.fonts.mono, 8.5, { paragraphGap: GAP });
    }

    this.keep(80);
    doc.moveDown(1);
    const boxTop = doc.y;
    doc.x = this.left;
    doc.y = boxTop + 8;
    const inner = (s: string, font: string, size: number, gap: number) =>
      doc.font(font).fontSize(size).text(this.t(s), this.left + 10, doc.y, { width: this.width - 20, paragraphGap: gap, lineGap: 1 });
    inner(`${LABELS.fingerprint} :`, this.fonts.bold, 10, 3);
    inner(view.fingerprint, this.fonts.mono, 9, 4);
    inner(LABELS.fingerprintHow, this.fonts.italic, 8.5, 0);
    const boxBottom = doc.y + 8;
    doc.rect(this.left, boxTop, this.width, boxBottom - boxTop).lineWidth(0.7).strokeColor('#333333').stroke();
    doc.x = this.left;
    doc.y = boxBottom;
  }

  /**
   * A ruled table, drawn by hand: each row as tall as its tallest cell, never split across
   * pages, the header row shaded. `weights` share the width between the columns.
   */
  private table(rows: string[][], weights: number[], options: { header?: boolean; size?: number; inset?: number } = {}): void {
    const doc = this.doc;
    const { header = true, size = 9.5, inset = 0 } = options;
    const pad = { x: 5, y: 3.5 };
    const left = this.left + inset;
    const width = this.width - 2 * inset;
    const total = weights.reduce((a, b) => a + b, 0);
    const widths = weights.map((w) => (width * w) / total);
    const fontOf = (r: number) => (header && r === 0 ? this.fonts.bold : this.fonts.regular);
    rows.forEach((row, r) => {
      doc.font(fontOf(r)).fontSize(size);
      const height = Math.max(...widths.map((w, c) => doc.heightOfString(this.t(row[c] ?? ''), { width: w - 2 * pad.x, lineGap: 1 }))) + 2 * pad.y;
      this.keep(height);
      const top = doc.y;
      if (header && r === 0) doc.rect(left, top, width, height).fillColor('#eeeeee').fill();
      let x = left;
      widths.forEach((w, c) => {
        doc.font(fontOf(r)).fontSize(size).fillColor('black').text(this.t(row[c] ?? ''), x + pad.x, top + pad.y, { width: w - 2 * pad.x, lineGap: 1 });
        doc.rect(x, top, w, height).lineWidth(0.5).strokeColor('#555555').stroke();
        x += w;
      });
      doc.x = this.left;
      doc.y = top + height;
    });
    doc.moveDown(0.8);
  }

  /** "Page n / N" on the right and what the document is (its fingerprint, or that it is a working document) on the left of every footer. */
  private footers(left: string, font: string, size: number): void {
    const doc = this.doc;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // Writing inside the bottom margin would make pdfkit open a new page.
      const bottomMargin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const y = doc.page.height - bottomMargin + 24;
      doc.moveTo(this.left, y - 6).lineTo(this.left + this.width, y - 6).lineWidth(0.4).strokeColor('#999999').stroke();
      doc.font(font).fontSize(size).fillColor('#555555').text(this.t(left), this.left, y, { width: this.width, lineBreak: false });
      doc
        .font(this.fonts.regular)
        .fontSize(9)
        .fillColor('black')
        .text(`${LABELS.page} ${i - range.start + 1} / ${range.count}`, this.left, y, { width: this.width, align: 'right', lineBreak: false });
      doc.page.margins.bottom = bottomMargin;
    }
  }
}
