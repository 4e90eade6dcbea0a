import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { MinutesBlock, MinutesRun } from '../../shared/sessions/minutes.ts';
import { frenchSpacing } from '../export/french.ts';
import type { MinutesDocumentInput } from './minutes-pdf.ts';

/** The minutes as DOCX: the same layout as the PDF, with real headings, a table and numbered decisions. */

const FONT = 'Times New Roman';
const BODY = 21; // half-points
const t = frenchSpacing;

function table(header: string[], rows: string[][]): Table {
  const border = { style: BorderStyle.SINGLE, size: 4, color: '7D8CA3' };
  const borders = { top: border, bottom: border, left: border, right: border };
  const cell = (text: string, bold: boolean) =>
    new TableCell({
      borders,
      shading: bold ? { type: ShadingType.CLEAR, color: 'auto', fill: 'E8EDF4' } : undefined,
      children: [new Paragraph({ spacing: { after: 0 }, children: [new TextRun({ text: t(text), bold })] })],
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h) => cell(h, true)) }),
      ...rows.map((row) => new TableRow({ children: header.map((_, i) => cell(row[i] ?? '', false)) })),
    ],
  });
}

/** Each run with its emphasis (Word's own bold and italic, which mammoth and LibreOffice read back). */
const runs = (block: { text: string; runs?: MinutesRun[] }): TextRun[] =>
  (block.runs ?? [{ text: block.text }]).map((r) => new TextRun({ text: t(r.text), bold: r.bold, italics: r.italic }));

/** Numbered lists are Word lists (w:numPr, decimal): one numbering per starting number, one instance per list. */
const DECIMAL = 'minutes-decimal';
const decimalLevels = (start: number) =>
  Array.from({ length: 4 }, (_, level) => ({
    level,
    format: LevelFormat.DECIMAL,
    text: `%${level + 1}.`,
    start: level === 0 ? start : 1,
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: 567 * (level + 1), hanging: 567 } }, run: { bold: true, color: '1F3A5F' } },
  }));

class DocxBlocks {
  /** The starting numbers the lists use, for the numbering definitions. */
  readonly starts = new Set<number>();
  private instance = 0;
  private lastNumber = new Map<number, number>();
  private listStart = new Map<number, number>();

  render(block: MinutesBlock): (Paragraph | Table)[] {
    // Anything but a list's nested content ends the numbered list at the top level.
    if (block.kind !== 'numbered' && !((block.kind === 'item') && (block.depth ?? 0) > 0)) this.lastNumber.delete(0);
    switch (block.kind) {
      case 'title':
        return [];
      case 'section':
        return [new Paragraph({ heading: HeadingLevel.HEADING_1, children: runs(block) })];
      case 'subsection':
        return [new Paragraph({ heading: HeadingLevel.HEADING_2, children: runs(block) })];
      case 'table':
        return [table(block.header, block.rows), new Paragraph({ children: [] })];
      case 'numbered': {
        const depth = block.depth ?? 0;
        // A number that does not follow the one before at its depth starts another list.
        if (block.number !== (this.lastNumber.get(depth) ?? Number.NaN) + 1) {
          this.instance++;
          this.listStart.set(depth, depth === 0 ? block.number : 1);
          if (depth === 0) this.starts.add(block.number);
        }
        this.lastNumber.set(depth, block.number);
        const reference = `${DECIMAL}-${this.listStart.get(depth) ?? 1}`;
        return [new Paragraph({ alignment: AlignmentType.JUSTIFIED, numbering: { reference, level: Math.min(depth, 3), instance: this.instance }, children: runs(block) })];
      }
      case 'item':
        if (block.continuation) return [new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { left: 567 * (block.depth ?? 1) }, children: runs(block) })];
        return [new Paragraph({ alignment: AlignmentType.JUSTIFIED, bullet: { level: Math.min(block.depth ?? 0, 8) }, children: runs(block) })];
      case 'paragraph':
        return [new Paragraph({ children: runs(block) })];
    }
  }
}

export async function renderMinutesDocx(input: MinutesDocumentInput): Promise<Buffer> {
  const blocks = new DocxBlocks();
  const body = input.blocks.flatMap((b) => blocks.render(b));
  const starts = new Set([1, ...blocks.starts]);
  const doc = new Document({
    numbering: { config: [...starts].map((start) => ({ reference: `${DECIMAL}-${start}`, levels: decimalLevels(start) })) },
    title: `Relevé de décisions – ${input.sessionLine}`,
    subject: input.negotiationTitle,
    creator: 'Espace de négociation collective',
    lastModifiedBy: 'Espace de négociation collective',
    styles: {
      default: {
        document: { run: { font: FONT, size: BODY }, paragraph: { spacing: { after: 100, line: 264 } } },
        title: { run: { font: FONT, size: 36, bold: true, color: '1F3A5F' }, paragraph: { spacing: { after: 80 } } },
        heading1: { run: { font: FONT, size: 24, bold: true, color: '1F3A5F', allCaps: true }, paragraph: { spacing: { before: 240, after: 120 }, keepNext: true } },
      },
    },
    sections: [
      {
        properties: { page: { margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } } },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.RIGHT,
                children: [
                  new TextRun({ text: t(`Relevé de décisions – ${input.sessionLine} – page `), size: 16 }),
                  new TextRun({ children: [PageNumber.CURRENT], size: 16 }),
                  new TextRun({ text: ' / ', size: 16 }),
                  new TextRun({ children: [PageNumber.TOTAL_PAGES], size: 16 }),
                ],
              }),
            ],
          }),
        },
        children: [
          new Paragraph({ children: [new TextRun({ text: t(input.negotiationTitle.toLocaleUpperCase('fr')), size: 18, color: '555555' })] }),
          new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun('Relevé de décisions')] }),
          new Paragraph({ children: [new TextRun({ text: t(input.sessionLine), size: 24 })] }),
          new Paragraph({
            border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: '1F3A5F', space: 6 } },
            children: [new TextRun({ text: t(input.statusLine), italics: true, color: input.approved ? '1B5E20' : '8A4B00' })],
          }),
          ...body,
        ],
      },
    ],
  });
  return Buffer.from(await Packer.toBuffer(doc));
}
