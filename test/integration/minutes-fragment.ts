import * as Y from 'yjs';
import { minutesDocToMarkup } from '../../shared/sessions/minutes-doc.ts';
import { MINUTES_FRAGMENT } from '../../shared/sessions/session.ts';
import { fragmentToMinutesDoc } from '../../server/sessions/minutes-doc.ts';

/**
 * The minutes' draft as a stock Yjs client sees it: the editor's XmlFragment (y-prosemirror's
 * shape, as Tiptap writes it). Helpers to read it as markup and to edit it as the editor would.
 */

export const minutesFragment = (doc: Y.Doc): Y.XmlFragment => doc.getXmlFragment(MINUTES_FRAGMENT);

/** The draft as plain markup (`## Décisions`, `| FO | présente | … |`). */
export const minutesMarkup = (doc: Y.Doc): string => minutesDocToMarkup(fragmentToMinutesDoc(minutesFragment(doc)));

type Run = string | { text: string; bold?: boolean; italic?: boolean };

/** An element as the editor writes it: `paragraph`, `heading` (level), each run with its marks. */
export function richBlock(type: string, runs: Run[], attrs: Record<string, number> = {}): Y.XmlElement {
  const element = new Y.XmlElement(type);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value as unknown as string);
  const text = new Y.XmlText();
  text.applyDelta(
    runs.map((r) => (typeof r === 'string' ? { insert: r, attributes: {} } : { insert: r.text, attributes: { ...(r.bold ? { bold: {} } : {}), ...(r.italic ? { italic: {} } : {}) } })),
  );
  element.insert(0, [text]);
  return element;
}

/** A bullet or numbered list of one-paragraph items. */
export function richList(type: 'bulletList' | 'orderedList', items: Run[][]): Y.XmlElement {
  const list = new Y.XmlElement(type);
  list.insert(
    0,
    items.map((runs) => {
      const item = new Y.XmlElement('listItem');
      item.insert(0, [richBlock('paragraph', runs)]);
      return item;
    }),
  );
  return list;
}

/** The index of the top-level heading that reads `text`. */
export function headingIndex(doc: Y.Doc, text: string): number {
  return minutesFragment(doc)
    .toArray()
    .findIndex((n) => n instanceof Y.XmlElement && n.nodeName === 'heading' && n.toArray().map((t) => (t instanceof Y.XmlText ? (t.toDelta() as { insert: string }[]).map((d) => d.insert).join('') : '')).join('') === text);
}

/** Inserts blocks before the heading that reads `text` (at the end when there is none). */
export function insertBefore(doc: Y.Doc, heading: string, blocks: Y.XmlElement[]): void {
  const fragment = minutesFragment(doc);
  const at = headingIndex(doc, heading);
  fragment.insert(at < 0 ? fragment.length : at, blocks);
}
