import { PdfLayout } from './pdf-render.ts';

/**
 * Rich text in PDF tables: paragraphs of runs marked as deleted (struck through, red) or
 * inserted (underlined, blue), laid out in ruled rows that break across pages — a row taller
 * than what is left of the page continues on the next one, cut between paragraphs or, inside
 * a long paragraph, between words, with the column headings repeated.
 */

export type Mark = 'del' | 'ins' | null;

export interface Run {
  text: string;
  mark: Mark;
}

export interface RichParagraph {
  runs: Run[];
  style?: 'regular' | 'bold' | 'italic';
  /** Points, the table's size by default. */
  size?: number;
  color?: string;
}

export const MARK_COLORS = { del: '#a4161a', ins: '#0b4f9c' } as const;

const PAD = { x: 5, y: 4 };
const LINE_GAP = 1.2;
const PARAGRAPH_GAP = 3;

/** A paragraph's runs, cut into words (each with the spaces after it) that keep their mark. */
function words(paragraph: RichParagraph): Run[] {
  const out: Run[] = [];
  for (const run of paragraph.runs) for (const word of run.text.match(/\S+\s*|\s+/g) ?? []) out.push({ text: word, mark: run.mark });
  return out;
}

/** Consecutive runs with the same mark, joined. */
function joinRuns(runs: Run[]): Run[] {
  const out: Run[] = [];
  for (const run of runs) {
    const last = out.at(-1);
    if (last && last.mark === run.mark) last.text += run.text;
    else out.push({ ...run });
  }
  return out;
}

export abstract class RichLayout extends PdfLayout {
  protected tableSize = 9;
  /** Column weights of the table being drawn, and its heading row (repeated on each page). */
  private columns: number[] = [];
  private heading: RichParagraph[][] | null = null;

  private fontOf(p: RichParagraph): string {
    return p.style === 'bold' ? this.fonts.bold : p.style === 'italic' ? this.fonts.italic : this.fonts.regular;
  }

  private plain(p: RichParagraph): string {
    return this.t(p.runs.map((r) => r.text).join(''));
  }

  protected paragraphHeight(p: RichParagraph, width: number): number {
    const text = this.plain(p);
    if (text.trim() === '') return (p.size ?? this.tableSize) * 0.6;
    this.doc.font(this.fontOf(p)).fontSize(p.size ?? this.tableSize);
    return this.doc.heightOfString(text, { width, lineGap: LINE_GAP }) + PARAGRAPH_GAP;
  }

  protected cellHeight(paragraphs: RichParagraph[], width: number): number {
    return paragraphs.reduce((h, p) => h + this.paragraphHeight(p, width), 0);
  }

  protected drawParagraph(p: RichParagraph, x: number, y: number, width: number): number {
    const doc = this.doc;
    const runs = p.runs.filter((r) => r.text !== '');
    if (runs.length === 0 || this.plain(p).trim() === '') return y + (p.size ?? this.tableSize) * 0.6;
    doc.font(this.fontOf(p)).fontSize(p.size ?? this.tableSize);
    runs.forEach((run, i) => {
      const color = run.mark ? MARK_COLORS[run.mark] : (p.color ?? 'black');
      doc.fillColor(color).strokeColor(color);
      const options = { width, lineGap: LINE_GAP, continued: i < runs.length - 1, strike: run.mark === 'del', underline: run.mark === 'ins' };
      if (i === 0) doc.text(this.t(run.text), x, y, options);
      else doc.text(this.t(run.text), options);
    });
    doc.fillColor('black').strokeColor('black');
    return doc.y + PARAGRAPH_GAP;
  }

  /**
   * Cuts a cell's paragraphs where `height` runs out: whole paragraphs first, then the words
   * of the paragraph that does not fit. [what fits, the rest].
   */
  private fit(paragraphs: RichParagraph[], width: number, height: number): [RichParagraph[], RichParagraph[]] {
    const head: RichParagraph[] = [];
    let used = 0;
    for (let i = 0; i < paragraphs.length; i++) {
      const p = paragraphs[i];
      const h = this.paragraphHeight(p, width);
      if (used + h <= height) {
        head.push(p);
        used += h;
        continue;
      }
      const tokens = words(p);
      let lo = 0;
      let hi = tokens.length;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (used + this.paragraphHeight({ ...p, runs: tokens.slice(0, mid) }, width) <= height) lo = mid;
        else hi = mid - 1;
      }
      if (lo > 0) head.push({ ...p, runs: joinRuns(tokens.slice(0, lo)) });
      const rest = lo > 0 ? [{ ...p, runs: joinRuns(tokens.slice(lo)) }] : [p];
      return [head, [...rest, ...paragraphs.slice(i + 1)]];
    }
    return [head, []];
  }

  private widths(): number[] {
    const total = this.columns.reduce((a, b) => a + b, 0);
    return this.columns.map((w) => (this.width * w) / total);
  }

  /** Starts a ruled table: its column weights and the heading row repeated on every page. */
  protected beginTable(columns: number[], heading: RichParagraph[][] | null): void {
    this.columns = columns;
    this.heading = heading;
    if (heading) this.row(heading, { shade: '#e8e8e8' });
  }

  protected endTable(): void {
    this.heading = null;
    this.doc.x = this.left;
    this.doc.moveDown(0.6);
  }

  /** Rows drawn on the current page (a first row is never pushed to the next page). */
  private rowsOnPage = 0;

  private newPage(): void {
    this.doc.addPage();
    this.rowsOnPage = 0;
    if (this.heading) this.row(this.heading, { shade: '#e8e8e8' });
    this.rowsOnPage = 0;
  }

  /** A row spanning every column (an article's heading): kept with the row after it. */
  protected band(paragraphs: RichParagraph[], shade = '#f2f2f2', keepWith = 40): void {
    const columns = this.columns;
    this.columns = [1];
    const height = this.cellHeight(paragraphs, this.width - 2 * PAD.x) + 2 * PAD.y;
    if (this.doc.y + height + keepWith > this.bottom) this.newPage();
    this.row([paragraphs], { shade });
    this.columns = columns;
  }

  /**
   * One row. Taller than what is left of the page, it is cut there and goes on over the next
   * page(s), unless little is left: then the whole row starts on the next page.
   */
  protected row(cells: RichParagraph[][], options: { shade?: string } = {}): void {
    const doc = this.doc;
    const widths = this.widths();
    const inner = widths.map((w) => w - 2 * PAD.x);
    let rest = cells;
    for (let guard = 0; guard < 1000; guard++) {
      const needed = Math.max(...rest.map((c, i) => this.cellHeight(c, inner[i]))) + 2 * PAD.y;
      const available = this.bottom - doc.y;
      let drawn = rest;
      let next: RichParagraph[][] | null = null;
      if (needed > available) {
        if (this.rowsOnPage > 0 && available < Math.min(needed, 90)) {
          this.newPage();
          continue;
        }
        const split = rest.map((c, i) => this.fit(c, inner[i], available - 2 * PAD.y));
        drawn = split.map(([head]) => head);
        next = split.map(([, tail]) => tail);
      }
      const top = doc.y;
      const height = next ? available : needed;
      let x = this.left;
      widths.forEach((w, i) => {
        if (options.shade) doc.rect(x, top, w, height).fillColor(options.shade).fill();
        doc.fillColor('black');
        let y = top + PAD.y;
        for (const p of drawn[i] ?? []) y = this.drawParagraph(p, x + PAD.x, y, inner[i]);
        doc.rect(x, top, w, height).lineWidth(0.5).strokeColor('#666666').stroke();
        x += w;
      });
      doc.strokeColor('black');
      doc.x = this.left;
      doc.y = top + height;
      this.rowsOnPage++;
      if (!next || next.every((c) => c.length === 0)) return;
      rest = next;
      this.newPage();
    }
  }
}

/** Plain paragraphs from strings. */
export const plain = (text: string, style: RichParagraph['style'] = 'regular', size?: number, color?: string): RichParagraph => ({
  runs: [{ text, mark: null }],
  style,
  ...(size ? { size } : {}),
  ...(color ? { color } : {}),
});
