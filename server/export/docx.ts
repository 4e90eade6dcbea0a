import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TabStopPosition,
  TabStopType,
  TextRun,
  WidthType,
  type IParagraphOptions,
} from 'docx';
import type { Block, SignedSnapshot } from '../../shared/snapshot.ts';
import { buildAgreementView, type AgreementView, type ArticleView, type SignatureView, type TextView, type WorkingView } from './agreement-view.ts';
import { fingerprint as fingerprintOf } from './canonical-json.ts';
import { LABELS, frenchSpacing } from './french.ts';

/**
 * The DOCX export, for those who must edit the text afterwards: the same structure as the
 * PDF with real Word headings (Titre = Heading 1, Chapitre = Heading 2, Article = the next
 * level), real lists, the signature block as a borderless table, the validity annex, and the
 * fingerprint both in the text and in the document properties (Subject, Keywords and the
 * custom property `sha256`).
 */

const FONT = 'Times New Roman';
const MONO = 'Courier New';
const BODY = 22; // half-points: 11 pt
const ORDERED = 'article-ordered-list';

const t = frenchSpacing;

export const STYLES = {
  default: {
    document: { run: { font: FONT, size: BODY }, paragraph: { spacing: { after: 120, line: 264 } } },
    title: { run: { font: FONT, size: 30, bold: true, color: '000000' }, paragraph: { alignment: AlignmentType.CENTER, spacing: { after: 120 } } },
    heading1: {
      run: { font: FONT, size: 24, bold: true, color: '000000' },
      paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 360, after: 240 }, keepNext: true },
    },
    heading2: {
      run: { font: FONT, size: 22, bold: true, color: '000000' },
      paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 240, after: 160 }, keepNext: true },
    },
    heading3: { run: { font: FONT, size: BODY, bold: true, color: '000000' }, paragraph: { spacing: { before: 200, after: 120 }, keepNext: true } },
  },
};

export const NUMBERING = {
  config: [
    {
      reference: ORDERED,
      levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1°', alignment: AlignmentType.START, style: { paragraph: { indent: { left: 720, hanging: 360 } } } }],
    },
  ],
};

export async function renderDocx(snapshot: SignedSnapshot): Promise<Buffer> {
  const fingerprint = fingerprintOf(snapshot);
  const view = buildAgreementView(snapshot, fingerprint);
  const builder = new Builder();
  const doc = new Document({
    title: view.title,
    subject: `${snapshot.negotiation.title} – empreinte SHA-256 ${fingerprint}`,
    creator: 'Espace de négociation collective',
    lastModifiedBy: 'Espace de négociation collective',
    description: `${view.versionLine}. ${LABELS.fingerprint} : ${fingerprint}`,
    keywords: `sha256:${fingerprint}`,
    customProperties: [
      { name: 'sha256', value: fingerprint },
      { name: 'negotiationId', value: snapshot.negotiation.id },
      { name: 'versionId', value: snapshot.version.id },
      { name: 'validityStatus', value: snapshot.assessment.status },
    ],
    styles: STYLES,
    numbering: NUMBERING,
    sections: [
      {
        properties: { page: { margin: { top: 1418, bottom: 1418, left: 1418, right: 1418 } } },
        footers: { default: footer(fingerprint) },
        children: builder.agreement(view),
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/**
 * A working version as DOCX: the text only (no "Fait à…", signatures or annex), with
 * « Document de travail — non signé » under the title and in every footer.
 */
export async function renderWorkingDocx(view: WorkingView): Promise<Buffer> {
  const builder = new Builder();
  const doc = new Document({
    title: view.title,
    subject: `${view.versionLine} – ${view.notice}`,
    creator: 'Espace de négociation collective',
    lastModifiedBy: 'Espace de négociation collective',
    description: view.noticeDetail,
    keywords: 'document de travail',
    styles: STYLES,
    numbering: NUMBERING,
    sections: [
      {
        properties: { page: { margin: { top: 1418, bottom: 1418, left: 1418, right: 1418 } } },
        footers: { default: noticeFooter(view.notice) },
        children: builder.working(view),
      },
    ],
  });
  return Packer.toBuffer(doc);
}

function noticeFooter(notice: string): Footer {
  return new Footer({
    children: [
      new Paragraph({
        tabStops: [{ type: TabStopType.RIGHT, position: TabStopPosition.MAX }],
        children: [
          new TextRun({ text: t(notice), italics: true, size: 16, color: '8A1C1C' }),
          new TextRun({ children: ['\t', `${LABELS.page} `, PageNumber.CURRENT, ' / ', PageNumber.TOTAL_PAGES], size: 18 }),
        ],
      }),
    ],
  });
}

/** The notice of a working document, boxed in red under its title. */
export function noticeParagraphs(notice: string, detail: string): Paragraph[] {
  const box = { style: BorderStyle.SINGLE, size: 8, color: '8A1C1C', space: 4 };
  const border = { top: box, bottom: box, left: box, right: box };
  return [
    new Paragraph({ border, alignment: AlignmentType.CENTER, spacing: { after: 0 }, children: [new TextRun({ text: t(notice.toLocaleUpperCase('fr')), bold: true, color: '8A1C1C' })] }),
    new Paragraph({ border, alignment: AlignmentType.CENTER, spacing: { after: 360 }, children: [new TextRun({ text: t(detail), italics: true, size: 18 })] }),
  ];
}

function footer(fingerprint: string): Footer {
  return new Footer({
    children: [
      new Paragraph({
        tabStops: [{ type: TabStopType.RIGHT, position: TabStopPosition.MAX }],
        children: [
          new TextRun({ text: `SHA-256 ${fingerprint}`, font: MONO, size: 13, color: '555555' }),
          new TextRun({ children: ['\t', `${LABELS.page} `, PageNumber.CURRENT, ' / ', PageNumber.TOTAL_PAGES], size: 18 }),
        ],
      }),
    ],
  });
}

type Child = Paragraph | Table;

class Builder {
  /** Each ordered list restarts at 1°: one numbering instance per list. */
  private orderedLists = 0;

  agreement(view: AgreementView): Child[] {
    const out: Child[] = [...this.titlePage(view), ...this.body(view)];
    out.push(new Paragraph({ text: t(view.madeAt), spacing: { before: 480, after: 360 }, keepNext: true }), signatureTable(view.signatures));
    out.push(...annex(view));
    return out;
  }

  working(view: WorkingView): Child[] {
    return [...this.titlePage(view), ...noticeParagraphs(view.notice, view.noticeDetail), ...this.body(view)];
  }

  private body(view: TextView): Child[] {
    const out: Child[] = [];
    if (view.preamble.length > 0) out.push(heading(LABELS.preamble, HeadingLevel.HEADING_1), ...view.preamble.flatMap((b) => this.block(b)));
    for (const titre of view.titres) {
      if (titre.label || titre.heading) out.push(heading([titre.label, titre.heading].filter(Boolean).join('\n'), HeadingLevel.HEADING_1));
      for (const chapitre of titre.chapitres) {
        const hasChapitre = Boolean(chapitre.label || chapitre.heading);
        if (hasChapitre) out.push(heading([chapitre.label, chapitre.heading].filter(Boolean).join(' – '), HeadingLevel.HEADING_2));
        for (const a of chapitre.articles) out.push(...this.article(a, hasChapitre ? HeadingLevel.HEADING_3 : HeadingLevel.HEADING_2));
      }
    }
    if (view.closing.length > 0) {
      out.push(heading(LABELS.closing.toLocaleUpperCase('fr'), HeadingLevel.HEADING_1));
      for (const a of view.closing) out.push(...this.article(a, HeadingLevel.HEADING_2));
    }
    return out;
  }

  private titlePage(view: TextView): Paragraph[] {
    const party = (designation: string, last: boolean) => new Paragraph({ text: t(`${designation}${last ? '' : ' ;'}`), spacing: { after: 60 } });
    return [
      new Paragraph({ text: t(view.title), heading: HeadingLevel.TITLE, spacing: { before: 480, after: 120 } }),
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { after: 480 },
        children: [new TextRun({ text: t(view.versionLine), italics: true, size: 19 })],
      }),
      new Paragraph({ children: [new TextRun({ text: LABELS.between, bold: true })] }),
      ...view.employers.map((p, i) => party(p.designation, i === view.employers.length - 1)),
      new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun({ text: LABELS.onOneHand, italics: true })] }),
      new Paragraph({ children: [new TextRun({ text: LABELS.and, bold: true })] }),
      ...view.unions.map((p, i) => party(p.designation, i === view.unions.length - 1)),
      new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun({ text: LABELS.onOtherHand, italics: true })] }),
      new Paragraph({ text: t(view.partiesClause), spacing: { before: 240, after: 240 } }),
    ];
  }

  private article(a: ArticleView, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]): Child[] {
    return [heading(a.label, level, AlignmentType.LEFT), ...a.paragraphs.flatMap((b) => this.block(b))];
  }

  private block(b: Block): Child[] {
    if (typeof b === 'string') return [new Paragraph({ text: t(b), alignment: AlignmentType.JUSTIFIED })];
    if (b.kind === 'list') {
      const instance = ++this.orderedLists;
      return b.items.map(
        (item) =>
          new Paragraph({
            text: t(item),
            alignment: AlignmentType.JUSTIFIED,
            ...(b.ordered ? { numbering: { reference: ORDERED, level: 0, instance } } : { bullet: { level: 0 } }),
          }),
      );
    }
    const rows = b.header ? [b.header, ...b.rows] : b.rows;
    return [grid(rows, b.header !== null), new Paragraph({ text: '', spacing: { after: 60 } })];
  }
}

function heading(text: string, level: IParagraphOptions['heading'], alignment?: (typeof AlignmentType)[keyof typeof AlignmentType]): Paragraph {
  // A line break inside a heading ("TITRE I" / its heading) stays one heading in Word's outline.
  const lines = t(text).split('\n');
  return new Paragraph({
    heading: level,
    ...(alignment ? { alignment } : {}),
    children: lines.map((line, i) => new TextRun({ text: line, break: i > 0 ? 1 : 0 })),
  });
}

const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER, insideHorizontal: NO_BORDER, insideVertical: NO_BORDER };

/** The signature block: two organisations a row, room left to sign by hand. */
function signatureTable(signatures: SignatureView[]): Table {
  const rows: TableRow[] = [];
  for (let i = 0; i < signatures.length; i += 2) {
    const pair: (SignatureView | null)[] = signatures.slice(i, i + 2);
    if (pair.length < 2) pair.push(null);
    rows.push(
      new TableRow({
        cantSplit: true,
        children: pair.map((s) => new TableCell({ width: { size: 50, type: WidthType.PERCENTAGE }, children: s ? signatureCell(s) : [new Paragraph('')] })),
      }),
    );
  }
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, borders: NO_BORDERS, rows });
}

function signatureCell(s: SignatureView): Paragraph[] {
  return [
    new Paragraph({ spacing: { after: 0 }, children: [new TextRun({ text: t(s.label), bold: true })] }),
    new Paragraph({ spacing: { after: 80 }, children: [new TextRun({ text: t(s.fullName), size: 16, color: '444444' })] }),
    s.signed
      ? new Paragraph({ spacing: { after: 0 }, children: [new TextRun({ text: t(s.signatory) })] })
      : new Paragraph({ spacing: { after: 0 }, children: [new TextRun({ text: t(s.signatory), italics: true, color: '666666' })] }),
    new Paragraph({ spacing: { after: 720 }, children: [new TextRun({ text: t(s.detail), italics: true, size: 18 })] }),
  ];
}

function grid(rows: string[][], header: boolean, widths?: number[]): Table {
  const border = { style: BorderStyle.SINGLE, size: 4, color: '555555' };
  const total = widths?.reduce((a, b) => a + b, 0);
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
    rows: rows.map(
      (row, r) =>
        new TableRow({
          // Only the header row repeats on each page (a `false` flag still reads as a header to some readers).
          ...(header && r === 0 ? { tableHeader: true } : {}),
          children: row.map(
            (cell, c) =>
              new TableCell({
                ...(widths && total ? { width: { size: Math.round((widths[c] / total) * 100), type: WidthType.PERCENTAGE } } : {}),
                ...(header && r === 0 ? { shading: { fill: 'EEEEEE' } } : {}),
                margins: { top: 40, bottom: 40, left: 80, right: 80 },
                children: [new Paragraph({ spacing: { after: 0 }, children: [new TextRun({ text: t(cell), bold: header && r === 0, size: 19 })] })],
              }),
          ),
        }),
    ),
  });
}

function annex(view: AgreementView): Child[] {
  const { annex: a } = view;
  const small = (text: string, options: { bold?: boolean; italics?: boolean; font?: string } = {}) =>
    new Paragraph({ children: [new TextRun({ text: t(text), size: 20, ...options })] });
  const out: Child[] = [
    new Paragraph({ children: [new PageBreak()] }),
    heading(LABELS.annexTitle, HeadingLevel.HEADING_1),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 360 }, children: [new TextRun({ text: t(view.title), italics: true, size: 19 })] }),
    new Paragraph({ children: [new TextRun({ text: t(`${LABELS.status} : ${a.statusLabel}`), bold: true, size: 26 })] }),
  ];
  if (a.statusExplanation) out.push(new Paragraph({ text: t(a.statusExplanation), alignment: AlignmentType.JUSTIFIED }));
  if (a.weightsSource) out.push(small(`${LABELS.weightsSource} : ${a.weightsSource}.`));
  out.push(
    grid(
      [[LABELS.organisation, LABELS.weight, LABELS.signature, LABELS.notification, LABELS.opposition], ...a.rows.map((r) => [r.organisation, r.weight, r.signature, r.notification, r.opposition])],
      true,
      [1.1, 1.4, 1.1, 1.1, 1.1],
    ),
    new Paragraph({ text: '', spacing: { after: 60 } }),
    grid([[LABELS.criterion, LABELS.cumulatedWeight, LABELS.threshold, LABELS.outcome], ...a.tests.map((x) => [x.label, x.value, x.threshold, x.outcome])], true, [2.0, 1.0, 1.7, 0.8]),
    new Paragraph({ text: '', spacing: { after: 60 } }),
  );
  if (a.oppositionDeadline) out.push(small(`${LABELS.oppositionDeadline} : ${a.oppositionDeadline}.`));
  if (a.reasons.length > 0) {
    out.push(small(`${LABELS.reasons} :`, { bold: true }));
    for (const reason of a.reasons) out.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun({ text: t(reason), size: 20 })] }));
  }
  out.push(small(`${LABELS.version} : ${a.versionName}`));
  for (const hash of a.versionHashes) {
    out.push(new Paragraph({ children: [new TextRun({ text: `${LABELS.versionHash} : `, size: 20 }), new TextRun({ text: hash, font: MONO, size: 17 })] }));
  }
  const box = { style: BorderStyle.SINGLE, size: 6, color: '333333', space: 4 };
  const boxed = { border: { top: box, bottom: box, left: box, right: box } };
  out.push(
    new Paragraph({ ...boxed, spacing: { before: 360, after: 0 }, children: [new TextRun({ text: t(`${LABELS.fingerprint} :`), bold: true, size: 20 })] }),
    new Paragraph({ ...boxed, spacing: { after: 0 }, children: [new TextRun({ text: view.fingerprint, font: MONO, size: 18 })] }),
    new Paragraph({ ...boxed, children: [new TextRun({ text: t(LABELS.fingerprintHow), italics: true, size: 17 })] }),
  );
  return out;
}
