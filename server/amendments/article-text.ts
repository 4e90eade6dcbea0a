import * as Y from 'yjs';
import { articleFragment } from '../../shared/structure.ts';
import type { ArticleLayout } from '../../shared/amendments/article-layout.ts';

// Reading an article (its layout, where an anchor stands) is shared/amendments/article-layout.ts:
// the client derives the amendments' flags with it. What is here writes into the document.

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
