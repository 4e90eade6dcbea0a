import * as Y from 'yjs';
import { articleFragment } from '../../shared/structure.ts';
import type { Anchor, Span } from '../../shared/amendments/amendment.ts';

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

export const joinBlocks = (blocks: readonly string[]): string => blocks.join('\n');

export function encodePosition(position: Y.RelativePosition): string {
  return Buffer.from(Y.encodeRelativePosition(position)).toString('base64');
}

/** Where a relative position stands now in the joined text, or null when it is not in this document. */
export function offsetOf(doc: Y.Doc, layout: ArticleLayout, encoded: string): number | null {
  let absolute: Y.AbsolutePosition | null;
  try {
    absolute = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(Buffer.from(encoded, 'base64')), doc);
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

/** The text node and index holding [offset, offset + length) entirely, or null when it straddles nodes. */
export function locate(layout: ArticleLayout, offset: number, length: number): { node: Y.XmlText; index: number } | null {
  const text = layout.texts.find((t) => t.start <= offset && offset + length <= t.start + t.length);
  return text ? { node: text.node, index: offset - text.start } : null;
}

/** A fresh paragraph element holding `text`. */
export function paragraph(text: string): Y.XmlElement {
  const element = new Y.XmlElement('paragraph');
  element.insert(0, [new Y.XmlText(text)]);
  return element;
}

/** The top-level node of the article holding an element, and its index in the fragment. */
export function topLevel(doc: Y.Doc, element: Y.XmlElement): { node: Y.XmlElement; index: number } | null {
  const fragment = articleFragment(doc);
  let node: Y.XmlElement = element;
  while (node.parent && node.parent !== fragment) node = node.parent as Y.XmlElement;
  const index = fragment.toArray().indexOf(node);
  return index >= 0 ? { node, index } : null;
}

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
