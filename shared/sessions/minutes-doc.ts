import { ATTENDANCE_SECTION, parseMinutes, renderAttendanceSection, type MinutesBlock, type MinutesRun } from './minutes.ts';
import type { AttendanceLine } from './session.ts';
import type { MinutesBlockNode, MinutesDoc, MinutesHeading, MinutesInline, MinutesListItem, MinutesParagraph, MinutesTable } from './minutes-schema.ts';

/** The rich-text minutes (minutes-schema.ts) built from the drafted markup and read back for layout. */

// --- From the drafted markup -----------------------------------------------------------------

const text = (value: string): MinutesInline[] | undefined => (value ? [{ type: 'text', text: value }] : undefined);
const paragraph = (value: string): MinutesParagraph => ({ type: 'paragraph', content: text(value) });

/**
 * The document for a text in the drafted markup (what the log drafts, and drafts written before
 * the minutes were rich text): `#`/`##`/`###` headings, `|` tables (first row the header),
 * consecutive `1.` lines one numbered list, consecutive `- ` lines one bullet list.
 */
export function minutesDocFromMarkup(markup: string): MinutesDoc {
  const content: MinutesBlockNode[] = [];
  for (const block of parseMinutes(markup)) {
    const last = content.at(-1);
    switch (block.kind) {
      case 'title':
      case 'section':
      case 'subsection':
        content.push({ type: 'heading', attrs: { level: block.kind === 'title' ? 1 : block.kind === 'section' ? 2 : 3 }, content: text(block.text) });
        break;
      case 'table': {
        const row = (cells: string[], type: 'tableCell' | 'tableHeader') => ({ type: 'tableRow' as const, content: cells.map((c) => ({ type, content: [paragraph(c)] })) });
        content.push({ type: 'table', content: [row(block.header, 'tableHeader'), ...block.rows.map((r) => row(r, 'tableCell'))] });
        break;
      }
      case 'numbered':
      case 'item': {
        const type = block.kind === 'numbered' ? 'orderedList' : 'bulletList';
        const item: MinutesListItem = { type: 'listItem', content: [paragraph(block.text)] };
        if (last?.type === type) last.content.push(item);
        else content.push(type === 'orderedList' ? { type, attrs: { start: block.kind === 'numbered' ? block.number : 1 }, content: [item] } : { type, content: [item] });
        break;
      }
      case 'paragraph':
        content.push(paragraph(block.text));
        break;
    }
  }
  return { type: 'doc', content };
}

// --- Read back: plain text, layout blocks -----------------------------------------------------

export function inlineText(content: readonly MinutesInline[] | undefined): string {
  return (content ?? []).map((n) => (n.type === 'text' ? n.text : '\n')).join('');
}

function runsOf(content: readonly MinutesInline[] | undefined): MinutesRun[] {
  return (content ?? []).map((n) => {
    if (n.type === 'hardBreak') return { text: '\n' };
    const marks = new Set((n.marks ?? []).map((m) => m.type));
    return { text: n.text, ...(marks.has('bold') ? { bold: true } : {}), ...(marks.has('italic') ? { italic: true } : {}) };
  });
}

/**
 * The blocks the PDF and DOCX lay out, in reading order: a level-1 heading is the title, level 2
 * a section, level 3 a subsection; each list item a numbered or bulleted line at its depth, its
 * runs keeping bold and italic.
 */
export function minutesLayout(doc: MinutesDoc): MinutesBlock[] {
  const out: MinutesBlock[] = [];
  const walk = (nodes: readonly MinutesBlockNode[], depth: number): void => {
    for (const node of nodes) {
      switch (node.type) {
        case 'heading': {
          const kind = node.attrs.level === 1 ? 'title' : node.attrs.level === 2 ? 'section' : 'subsection';
          out.push({ kind, text: inlineText(node.content), runs: runsOf(node.content) });
          break;
        }
        case 'paragraph':
          if (depth === 0) out.push({ kind: 'paragraph', text: inlineText(node.content), runs: runsOf(node.content) });
          break;
        case 'table': {
          const cells = (row: MinutesTable['content'][number]) => row.content.map((cell) => cell.content.map((p) => inlineText(p.content)).join('\n'));
          const [header, ...rows] = node.content;
          out.push({ kind: 'table', header: cells(header), rows: rows.map(cells) });
          break;
        }
        case 'bulletList':
        case 'orderedList':
          node.content.forEach((item, i) => {
            const [first, ...rest] = item.content;
            const lead = first?.type === 'paragraph' || first?.type === 'heading' ? first : null;
            const line = { text: inlineText(lead?.content), runs: runsOf(lead?.content), depth };
            out.push(node.type === 'orderedList' ? { kind: 'numbered', number: (node.attrs?.start ?? 1) + i, ...line } : { kind: 'item', ...line });
            const more = lead ? rest : item.content;
            // What follows the item's first paragraph (more paragraphs, a nested list) sits one level in.
            for (const child of more) {
              if (child.type === 'paragraph') out.push({ kind: 'item', continuation: true, text: inlineText(child.content), runs: runsOf(child.content), depth: depth + 1 });
              else walk([child], depth + 1);
            }
          });
          break;
      }
    }
  };
  walk(doc.content, 0);
  return out;
}

/** The document as the drafted markup (nesting flattened, emphasis dropped): for plain-text readers and searches. */
export function minutesDocToMarkup(doc: MinutesDoc): string {
  const lines: string[] = [];
  for (const block of minutesLayout(doc)) {
    const indent = '  '.repeat(block.kind === 'numbered' || block.kind === 'item' ? (block.depth ?? 0) : 0);
    switch (block.kind) {
      case 'title':
        lines.push('', `# ${block.text}`);
        break;
      case 'section':
        lines.push('', `## ${block.text}`);
        break;
      case 'subsection':
        lines.push(`### ${block.text}`);
        break;
      case 'table':
        for (const row of [block.header, ...block.rows]) lines.push(`| ${row.join(' | ')} |`);
        break;
      case 'numbered':
        lines.push(`${indent}${block.number}. ${block.text}`);
        break;
      case 'item':
        lines.push(`${indent}- ${block.text}`);
        break;
      case 'paragraph':
        if (block.text) lines.push(block.text);
        break;
    }
  }
  return `${lines.join('\n').trim()}\n`;
}

// --- The attendance section ---------------------------------------------------------------------

const isSectionHeading = (node: MinutesBlockNode | undefined): node is MinutesHeading => node?.type === 'heading' && node.attrs.level <= 2;

/** Where a document that lost its attendance section gets it back: before its first section (level-2 heading), else at its end. */
export function attendanceInsertAt(content: readonly MinutesBlockNode[]): number {
  const first = content.findIndex((n) => n.type === 'heading' && n.attrs.level === 2);
  return first < 0 ? content.length : first;
}

/** The attendance section as document nodes, from the stored attendance. */
export function attendanceNodes(lines: readonly AttendanceLine[], observers: readonly string[]): MinutesBlockNode[] {
  return minutesDocFromMarkup(renderAttendanceSection(lines, observers).join('\n')).content;
}

/** The observers line that closes the recorded attendance (« Aucun observateur. » / « Observateurs : … »). */
const isObserversLine = (node: MinutesBlockNode): boolean =>
  node.type === 'paragraph' && /^(Aucun observateur\.|Observateurs : )/.test(inlineText(node.content).trim());

/**
 * The attendance section's span and, within it, the indexes of the nodes that are the record's:
 * its heading, its table and its observers line. Any other node in the span is the
 * secretariat's own writing (a remark typed under the table) and is kept.
 */
export function attendanceSection(content: readonly MinutesBlockNode[]): { span: [number, number]; recorded: number[] } | null {
  const start = content.findIndex((n) => n.type === 'heading' && n.attrs.level === 2 && inlineText(n.content).trim() === ATTENDANCE_SECTION);
  if (start < 0) return null;
  let end = content.findIndex((n, i) => i > start && isSectionHeading(n));
  if (end < 0) end = content.length;
  const span: [number, number] = [start, end];
  const recorded = [start];
  const inSpan = (test: (n: MinutesBlockNode) => boolean) => content.findIndex((n, i) => i > start && i < end && test(n));
  const table = inSpan((n) => n.type === 'table');
  if (table >= 0) recorded.push(table);
  const observers = inSpan(isObserversLine);
  if (observers >= 0) recorded.push(observers);
  return { span, recorded: recorded.sort((a, b) => a - b) };
}

/**
 * The document with its attendance replaced by the stored attendance: the heading, table and
 * observers line are never the editor's to change, so the minutes cannot contradict the
 * session; what the secretariat wrote in the section besides them follows the recorded part,
 * in its order (never dropped). A document that lost the section gets it back before its first
 * section.
 */
export function withAttendanceDoc(doc: MinutesDoc, lines: readonly AttendanceLine[], observers: readonly string[]): MinutesDoc {
  const section = attendanceNodes(lines, observers);
  const found = attendanceSection(doc.content);
  if (found) {
    const [start, end] = found.span;
    const written = doc.content.slice(start, end).filter((_, i) => !found.recorded.includes(start + i));
    return { type: 'doc', content: [...doc.content.slice(0, start), ...section, ...written, ...doc.content.slice(end)] };
  }
  const at = attendanceInsertAt(doc.content);
  return { type: 'doc', content: [...doc.content.slice(0, at), ...section, ...doc.content.slice(at)] };
}
