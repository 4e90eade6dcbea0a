import * as Y from 'yjs';
import { articleFragment } from '../structure.ts';
import type { Anchor, Span } from './amendment.ts';

/**
 * An article document read as the rest of the workspace reads it (blocks of plain text,
 * joined by "\n", as `readBlocks` renders them), with where each Y.XmlText starts in that
 * text: what turns a Yjs relative position into an offset, and an offset back into a place
 * to edit.
 */

const BLOCKS = new Set(['paragraph', 'heading', 'listItem', 'tableRow', 'blockquote', 'codeBlock']);

export interface ArticleLayout {
  blocks: string[];
  /** The block elements, in reading order (one per block). */
  elements: Y.XmlElement[];
  /** Each text node with the offset where it starts in the joined text. */
  texts: { node: Y.XmlText; start: number; length: number }[];
}

function plain(node: Y.XmlText): string {
  return (node.toDelta() as { insert?: unknown }[]).map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('');
}

function hasBlockChildren(element: Y.XmlElement): boolean {
  return element.toArray().some((c) => c instanceof Y.XmlElement && c.nodeName !== 'paragraph' && BLOCKS.has(c.nodeName));
}

export function layoutOf(doc: Y.Doc): ArticleLayout {
  const layout: ArticleLayout = { blocks: [], elements: [], texts: [] };
  let offset = 0;
  const readBlock = (element: Y.XmlElement | Y.XmlText, at: number): string => {
    if (element instanceof Y.XmlText) {
      const text = plain(element);
      layout.texts.push({ node: element, start: at, length: text.length });
      return text;
    }
    const separator = element.nodeName === 'tableRow' ? ' | ' : '';
    let out = '';
    element.toArray().forEach((child, i) => {
      if (i > 0) out += separator;
      out += readBlock(child as Y.XmlElement | Y.XmlText, at + out.length);
    });
    return out;
  };
  const walk = (node: Y.XmlElement | Y.XmlFragment): void => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) continue;
      const element = child as Y.XmlElement;
      if (BLOCKS.has(element.nodeName) && !(element.nodeName === 'listItem' && hasBlockChildren(element))) {
        if (layout.blocks.length > 0) offset += 1;
        const text = readBlock(element, offset);
        layout.blocks.push(text);
        layout.elements.push(element);
        offset += text.length;
      } else walk(element);
    }
  };
  walk(articleFragment(doc));
  return layout;
}

// atob, not Buffer: this module runs in the browser too (the amendments panel derives its flags from the live text).
const fromBase64 = (encoded: string): Uint8Array => Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));

export const joinBlocks = (blocks: readonly string[]): string => blocks.join('\n');

/** Where a relative position stands now in the joined text, or null when it is not in this document. */
export function offsetOf(doc: Y.Doc, layout: ArticleLayout, encoded: string): number | null {
  let absolute: Y.AbsolutePosition | null;
  try {
    absolute = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(fromBase64(encoded)), doc);
  } catch {
    return null;
  }
  if (!absolute) return null;
  const { type, index } = absolute;
  const text = layout.texts.find((t) => t.node === type);
  if (text) return text.start + Math.min(index, text.length);
  // A position between nodes (a block boundary): the start of the node after it, or the end of the one before.
  if (type instanceof Y.XmlElement || type instanceof Y.XmlFragment) {
    const children = type.toArray();
    const firstText = (node: unknown): { start: number } | undefined => {
      if (node instanceof Y.XmlText) return layout.texts.find((t) => t.node === node);
      if (!(node instanceof Y.XmlElement)) return undefined;
      for (const child of node.toArray()) {
        const found = firstText(child);
        if (found) return found;
      }
      return undefined;
    };
    for (let i = index; i < children.length; i++) {
      const found = firstText(children[i]);
      if (found) return found.start;
    }
    return joinBlocks(layout.blocks).length;
  }
  return null;
}

/** The span an anchor covers now, or null when either end is lost. */
export function anchorSpan(doc: Y.Doc, layout: ArticleLayout, anchor: Anchor): Span | null {
  const start = offsetOf(doc, layout, anchor.start);
  const end = offsetOf(doc, layout, anchor.end);
  if (start === null || end === null) return null;
  return start <= end ? { start, end } : { start: end, end: start };
}

export function spanText(layout: ArticleLayout, span: Span): string {
  return joinBlocks(layout.blocks).slice(span.start, span.end);
}
