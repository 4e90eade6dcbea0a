import {
  AlignmentType,
  DeletedTextRun,
  Document,
  Footer,
  HeadingLevel,
  InsertedTextRun,
  Packer,
  PageNumber,
  Paragraph,
  TabStopPosition,
  TabStopType,
  TextRun,
  type ParagraphChild,
} from 'docx';
import type { ChangeSegment, ComparedArticle, ComparisonDocument } from './comparison.ts';
import { NUMBERING, STYLES, noticeParagraphs } from './docx.ts';
import { articleName } from '../../shared/labels.ts';
import { LABELS, frenchSpacing } from './french.ts';

/**
 * A comparison as a Word document with real tracked changes: the whole newer text, each
 * change a revision (w:ins, w:del) in the name of the person and organisation who made it,
 * dated when the record says when. Accepting every change gives the newer text, rejecting
 * every change gives the older one, paragraph breaks included (a paragraph mark inserted or
 * deleted is a revision too), so that a fédération's lawyer can work on it in Word or
 * LibreOffice. Revision tracking stays on for what they change next.
 */

const t = frenchSpacing;

interface Revision {
  id: number;
  author: string;
  date: string;
}

class TrackedBuilder {
  private nextId = 1;
  private readonly out: Paragraph[] = [];
  private readonly undated: string;

  constructor(undated: string) {
    this.undated = undated;
  }

  private revision(segment: Pick<ChangeSegment, 'author' | 'at'>): Revision {
    // w:date is optional in the format, but some readers want one: an undated change carries the export's date.
    return { id: this.nextId++, author: segment.author ?? 'Auteur non enregistré', date: segment.at ?? this.undated };
  }

  private run(op: ChangeSegment['op'], text: string, segment: Pick<ChangeSegment, 'author' | 'at'>, options: { bold?: boolean } = {}): ParagraphChild {
    if (op === 'insert') return new InsertedTextRun({ text, ...this.revision(segment), ...options });
    if (op === 'delete') return new DeletedTextRun({ text, ...this.revision(segment), ...options });
    return new TextRun({ text, ...options });
  }

  /**
   * Lays out segments as paragraphs: a "\n" ends a paragraph, and its paragraph mark is
   * inserted or deleted with the segment it belongs to. `lastMark` is the revision of the
   * last paragraph's mark (an added or removed article), null when it stays.
   */
  private paragraphs(
    segments: ChangeSegment[],
    style: { heading?: (typeof HeadingLevel)[keyof typeof HeadingLevel]; bold?: boolean; keepNext?: boolean },
    lastMark: ChangeSegment | null,
  ): void {
    let children: ParagraphChild[] = [];
    const end = (mark: ChangeSegment | null) => {
      const revision = mark && mark.op !== 'equal' ? this.revision(mark) : null;
      this.out.push(
        new Paragraph({
          ...(style.heading ? { heading: style.heading } : { alignment: AlignmentType.JUSTIFIED }),
          ...(style.keepNext ? { keepNext: true } : {}),
          ...(revision ? { run: mark!.op === 'insert' ? { insertion: revision } : { deletion: revision } } : {}),
          children,
        }),
      );
      children = [];
    };
    for (const segment of segments) {
      const pieces = segment.text.split('\n');
      pieces.forEach((piece, i) => {
        if (i > 0) end(segment);
        if (piece) children.push(this.run(segment.op, t(piece), segment, { bold: style.bold }));
      });
    }
    end(lastMark);
  }

  article(a: ComparedArticle, fallback: ChangeSegment): void {
    const whole = a.change === 'added' ? { ...fallback, op: 'insert' as const } : a.change === 'removed' ? { ...fallback, op: 'delete' as const } : null;
    this.paragraphs(headingSegments(a, fallback), { heading: HeadingLevel.HEADING_2, keepNext: true }, whole);
    const body = a.segments.filter((s) => s.text !== '');
    if (body.length === 0) return;
    // An added or removed article's last paragraph mark goes with its text's author.
    const last = whole ? { ...whole, author: body.at(-1)!.author ?? whole.author, at: body.at(-1)!.at ?? whole.at } : null;
    this.paragraphs(body, {}, last);
  }

  push(...paragraphs: Paragraph[]): void {
    this.out.push(...paragraphs);
  }

  get children(): Paragraph[] {
    return this.out;
  }
}

/** "Article 4 – Titre", the old number and title deleted and the new ones inserted where they changed. */
function headingSegments(a: ComparedArticle, fallback: ChangeSegment): ChangeSegment[] {
  const equal = (text: string): ChangeSegment => ({ op: 'equal', text, author: null, at: null });
  const changed = (op: 'insert' | 'delete', text: string): ChangeSegment => ({ ...fallback, op, text });
  const label = (number: string) => articleName(number);
  if (a.change === 'added') return [changed('insert', `${label(a.toNumber ?? '')}${a.toTitle ? ` – ${a.toTitle}` : ''}`)];
  if (a.change === 'removed') return [changed('delete', `${label(a.fromNumber ?? '')}${a.fromTitle ? ` – ${a.fromTitle}` : ''}`)];
  const segments: ChangeSegment[] = [];
  const from = a.fromNumber ?? '';
  const to = a.toNumber ?? '';
  if (a.renumbered && /^\d/.test(from) && /^\d/.test(to)) segments.push(equal(`${LABELS.article} `), changed('delete', from), changed('insert', to));
  else if (a.renumbered) segments.push(changed('delete', label(from)), changed('insert', label(to)));
  else segments.push(equal(label(to)));
  // The préambule is numbered and titled « Préambule »: said once.
  if (!a.retitled && a.toTitle === to) return segments;
  if (a.retitled) {
    if (a.fromTitle) segments.push(changed('delete', ` – ${a.fromTitle}`));
    if (a.toTitle) segments.push(changed('insert', ` – ${a.toTitle}`));
  } else if (a.toTitle) segments.push(equal(` – ${a.toTitle}`));
  return segments;
}

export async function renderComparisonDocx(comparison: ComparisonDocument, generatedAt: Date): Promise<Buffer> {
  const builder = new TrackedBuilder(generatedAt.toISOString());
  builder.push(
    new Paragraph({ text: t(comparison.negotiationTitle), heading: HeadingLevel.TITLE }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 240 },
      children: [new TextRun({ text: t(`${LABELS.reference} : ${comparison.fromLine}`), italics: true, size: 20 }), new TextRun({ text: t(`${LABELS.compared} : ${comparison.toLine}`), italics: true, size: 20, break: 1 })],
    }),
    ...noticeParagraphs(LABELS.workingNotice, LABELS.comparisonNotice),
  );
  if (comparison.authors.length > 0) {
    builder.push(new Paragraph({ spacing: { after: 240 }, children: [new TextRun({ text: t(`${LABELS.changesBy} : ${comparison.authors.join(', ')}.`), size: 18 })] }));
  }
  const fallback: ChangeSegment = { op: 'equal', text: '', author: comparison.fallback.name, at: comparison.fallback.at };
  for (const article of comparison.articles) builder.article(article, fallback);

  const doc = new Document({
    title: `${comparison.negotiationTitle} – ${LABELS.comparison}`,
    subject: `${comparison.fromLine} → ${comparison.toLine}`,
    creator: 'Espace de négociation collective',
    lastModifiedBy: 'Espace de négociation collective',
    description: LABELS.comparisonNotice,
    keywords: 'comparaison, marques de révision, document de travail',
    features: { trackRevisions: true },
    styles: STYLES,
    numbering: NUMBERING,
    sections: [
      {
        properties: { page: { margin: { top: 1418, bottom: 1418, left: 1418, right: 1418 } } },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                tabStops: [{ type: TabStopType.RIGHT, position: TabStopPosition.MAX }],
                children: [
                  new TextRun({ text: t(`${LABELS.workingNotice} · ${LABELS.comparison}`), italics: true, size: 16, color: '8A1C1C' }),
                  new TextRun({ children: ['\t', `${LABELS.page} `, PageNumber.CURRENT, ' / ', PageNumber.TOTAL_PAGES], size: 18 }),
                ],
              }),
            ],
          }),
        },
        children: builder.children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
