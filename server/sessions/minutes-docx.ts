import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
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
import { parseMinutes, type MinutesBlock } from '../../shared/sessions/minutes.ts';
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

function blockToDocx(block: MinutesBlock): (Paragraph | Table)[] {
  switch (block.kind) {
    case 'title':
      return [];
    case 'section':
      return [new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(t(block.text))] })];
    case 'subsection':
      return [new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(t(block.text))] })];
    case 'table':
      return [table(block.header, block.rows), new Paragraph({ children: [] })];
    case 'numbered':
      return [
        new Paragraph({
          alignment: AlignmentType.JUSTIFIED,
          indent: { left: 567, hanging: 567 },
          children: [new TextRun({ text: `${block.number}.\t`, bold: true, color: '1F3A5F' }), new TextRun(t(block.text))],
          tabStops: [{ type: 'left', position: 567 }],
        }),
      ];
    case 'item':
      return [new Paragraph({ alignment: AlignmentType.JUSTIFIED, bullet: { level: 0 }, children: [new TextRun(t(block.text))] })];
    case 'paragraph':
      return [new Paragraph({ children: [new TextRun(t(block.text))] })];
  }
}

export async function renderMinutesDocx(input: MinutesDocumentInput): Promise<Buffer> {
  const doc = new Document({
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
          ...parseMinutes(input.text).flatMap(blockToDocx),
        ],
      },
    ],
  });
  return Buffer.from(await Packer.toBuffer(doc));
}
