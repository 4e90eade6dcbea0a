import type { ChangeSegment, ComparedArticle, ComparisonDocument } from './comparison.ts';
import { articleHeading } from '../../shared/labels.ts';
import { LABELS } from './french.ts';
import { chooseFonts } from './pdf-fonts.ts';
import { a4Document, collectPdf } from './pdf-render.ts';
import { MARK_COLORS, RichLayout, plain, type RichParagraph, type Run } from './pdf-rich.ts';

/**
 * A comparison as a « tableau comparatif », the form a secretariat circulates: article by
 * article, the text in force (the older state, deletions struck through), the proposed text
 * (the newer state, insertions underlined) and the amendments tabled on the article with their
 * status. Articles that neither changed nor drew an amendment are listed at the end. Landscape
 * A4, the column headings repeated on every page.
 */

const MARGIN = 42;

/** The rows of an article: each pair of paragraphs that a change does not run across. */
export function comparisonRows(segments: ChangeSegment[]): { before: RichParagraph[]; after: RichParagraph[] }[] {
  const rows: { before: RichParagraph[]; after: RichParagraph[] }[] = [];
  let before: RichParagraph[] = [{ runs: [] }];
  let after: RichParagraph[] = [{ runs: [] }];
  const add = (side: RichParagraph[], text: string, mark: Run['mark']) => {
    if (text) side.at(-1)!.runs.push({ text, mark });
  };
  for (const s of segments) {
    s.text.split('\n').forEach((piece, i) => {
      if (i > 0) {
        if (s.op === 'equal') {
          rows.push({ before, after });
          before = [{ runs: [] }];
          after = [{ runs: [] }];
        } else if (s.op === 'delete') before.push({ runs: [] });
        else after.push({ runs: [] });
      }
      if (s.op !== 'insert') add(before, piece, s.op === 'delete' ? 'del' : null);
      if (s.op !== 'delete') add(after, piece, s.op === 'insert' ? 'ins' : null);
    });
  }
  rows.push({ before, after });
  const empty = (side: RichParagraph[]) => side.every((p) => p.runs.every((r) => r.text.trim() === ''));
  return rows.filter((r) => !(empty(r.before) && empty(r.after)));
}

const label = (number: string | null, title: string | null) => articleHeading(number, title);

function articleNote(a: ComparedArticle): string {
  const notes: string[] = [];
  if (a.change === 'added') notes.push(LABELS.newArticle);
  if (a.change === 'removed') notes.push(LABELS.removedArticle);
  if (a.change === 'changed') notes.push('modifié');
  if (a.renumbered && a.fromNumber) notes.push(`${LABELS.renumberedFrom} ${a.fromNumber}`);
  if (a.retitled && a.fromTitle && a.change !== 'added' && a.change !== 'removed') notes.push(`intitulé modifié (ex-« ${a.fromTitle} »)`);
  if (a.moved) notes.push(LABELS.movedArticle);
  if (notes.length === 0) notes.push('inchangé');
  return notes.join(' ; ');
}

export const shown = (a: ComparedArticle): boolean => a.change !== 'unchanged' || a.moved || a.renumbered || a.retitled || a.amendments.length > 0;

class ComparativeTable extends RichLayout {
  render(c: ComparisonDocument): void {
    const doc = this.doc;
    doc.font(this.fonts.bold).fontSize(15).text(this.t(LABELS.comparativeTable.toLocaleUpperCase('fr')), this.left, doc.y, { width: this.width, align: 'center' });
    doc.font(this.fonts.bold).fontSize(12).text(this.t(c.negotiationTitle), { width: this.width, align: 'center', paragraphGap: 6 });
    doc.font(this.fonts.regular).fontSize(9.5);
    doc.text(this.t(`${LABELS.textInForce} : ${c.fromLine}`), { width: this.width, align: 'center' });
    doc.text(this.t(`${LABELS.proposedText} : ${c.toLine}`), { width: this.width, align: 'center', paragraphGap: 6 });
    doc.font(this.fonts.bold).fontSize(10).fillColor('#8a1c1c').text(this.t(LABELS.workingNotice.toLocaleUpperCase('fr')), { width: this.width, align: 'center', paragraphGap: 4 });
    doc.fillColor('black');
    this.legend();
    if (c.authors.length > 0) doc.font(this.fonts.regular).fontSize(8.5).text(this.t(`${LABELS.changesBy} : ${c.authors.join(', ')}.`), this.left, doc.y, { width: this.width, paragraphGap: 8 });
    doc.moveDown(0.4);

    this.beginTable(
      [0.37, 0.37, 0.26],
      [[plain(`${LABELS.textInForce}\n${c.fromLine}`, 'bold')], [plain(`${LABELS.proposedText}\n${c.toLine}`, 'bold')], [plain(LABELS.amendments, 'bold')]],
    );
    const unchanged: string[] = [];
    for (const a of c.articles) {
      if (!shown(a)) {
        unchanged.push(a.toNumber ?? a.fromNumber ?? '');
        continue;
      }
      this.band([{ runs: [{ text: label(a.toNumber ?? a.fromNumber, a.toTitle ?? a.fromTitle), mark: null }], style: 'bold', size: 10 }, plain(articleNote(a), 'italic', 8.5)]);
      const rows = comparisonRows(a.segments);
      if (rows.length === 0) rows.push({ before: [], after: [] });
      rows.forEach((r, i) => {
        const before = a.change === 'added' ? [plain(`(${LABELS.newArticle})`, 'italic')] : r.before;
        const after = a.change === 'removed' ? [plain(`(${LABELS.removedArticle})`, 'italic')] : r.after;
        this.row([i === 0 || a.change !== 'added' ? before : [], i === 0 || a.change !== 'removed' ? after : [], i === 0 ? this.amendmentCell(a) : []]);
      });
    }
    this.endTable();
    if (unchanged.length > 0) {
      doc.font(this.fonts.italic).fontSize(9).text(this.t(`${LABELS.unchangedArticles} : ${unchanged.join(', ')}.`), this.left, doc.y, { width: this.width });
    }
    this.footers();
  }

  private legend(): void {
    const doc = this.doc;
    doc.font(this.fonts.regular).fontSize(8.5).fillColor('black').text(this.t('Légende : '), this.left, doc.y, { continued: true, width: this.width });
    doc.fillColor(MARK_COLORS.del).strokeColor(MARK_COLORS.del).text(this.t('texte supprimé'), { continued: true, strike: true });
    doc.fillColor('black').text(this.t(' ; '), { continued: true, strike: false });
    doc.fillColor(MARK_COLORS.ins).strokeColor(MARK_COLORS.ins).text(this.t('texte ajouté'), { continued: true, underline: true });
    doc.fillColor('black').strokeColor('black').text(this.t('.'), { underline: false, paragraphGap: 4 });
  }

  private amendmentCell(a: ComparedArticle): RichParagraph[] {
    if (a.amendments.length === 0) return [plain(LABELS.noAmendment, 'italic', 8.5, '#555555')];
    return a.amendments.flatMap((x) => [plain(`N° ${x.number} – ${x.org} – ${x.status}`, 'bold', 8.5), plain(x.formula, 'regular', 8.5)]);
  }

  private footers(): void {
    const doc = this.doc;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottomMargin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const y = doc.page.height - bottomMargin + 14;
      doc.font(this.fonts.italic).fontSize(8).fillColor('#8a1c1c').text(this.t(`${LABELS.workingNotice} · ${LABELS.comparativeTable}`), this.left, y, { width: this.width, lineBreak: false });
      doc.font(this.fonts.regular).fontSize(8.5).fillColor('black').text(`${LABELS.page} ${i - range.start + 1} / ${range.count}`, this.left, y, { width: this.width, align: 'right', lineBreak: false });
      doc.page.margins.bottom = bottomMargin;
    }
  }
}

export async function renderComparisonPdf(c: ComparisonDocument, generatedAt: Date): Promise<Buffer> {
  const fonts = chooseFonts(JSON.stringify(c));
  const doc = a4Document(
    MARGIN,
    { Title: `${LABELS.comparativeTable} – ${c.negotiationTitle}`, Subject: `${c.fromLine} → ${c.toLine}`, Keywords: 'tableau comparatif, document de travail' },
    generatedAt,
    'landscape',
  );
  return collectPdf(doc, () => new ComparativeTable(doc, fonts).render(c));
}
