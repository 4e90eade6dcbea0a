import PDFDocument from 'pdfkit';
import { frenchSpacing } from './french.ts';
import { toWinAnsi, type PdfFonts } from './pdf-fonts.ts';

type Doc = InstanceType<typeof PDFDocument>;

/** The metadata that says what a document is; who made it and when is the same for all. */
export interface PdfDescription {
  Title: string;
  Subject: string;
  Author?: string;
  Keywords?: string;
}

/**
 * An A4 page with the same margin on every side, in French. Pages stay buffered so that the
 * footers, written last, can say "n / N". The metadata is dated `at`, never now: pdfkit derives
 * the file ID from it, and the same input must render the same bytes.
 */
export function a4Document(margin: number, description: PdfDescription, at: Date, layout: 'portrait' | 'landscape' = 'portrait'): Doc {
  return new PDFDocument({
    size: 'A4',
    layout,
    margins: { top: margin, bottom: margin, left: margin, right: margin },
    bufferPages: true,
    lang: 'fr-FR',
    displayTitle: true,
    info: { ...description, Creator: 'Espace de négociation collective', Producer: 'PDFKit', CreationDate: at, ModDate: at },
  });
}

/** What a layout draws with: the text frame between the margins, and text the fonts can print. */
export abstract class PdfLayout {
  protected readonly doc: Doc;
  protected readonly fonts: PdfFonts;

  constructor(
    doc: Doc,
    fonts: PdfFonts,
  ) {
    this.doc = doc;
    this.fonts = fonts;
  }

  /** French spacing, folded to WinAnsi when the standard fonts are used (see pdf-fonts). */
  protected t(s: string): string {
    return this.fonts.winAnsi ? toWinAnsi(frenchSpacing(s)) : frenchSpacing(s);
  }

  protected get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  protected get left(): number {
    return this.doc.page.margins.left;
  }

  protected get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Starts a new page unless `height` points still fit: keeps a heading with what follows. */
  protected keep(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }
}

/** Lays out a pdfkit document with `draw`, ends it, and returns its bytes. */
export async function collectPdf(doc: Doc, draw: () => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  draw();
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
