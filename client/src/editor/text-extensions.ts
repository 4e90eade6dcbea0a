import { Mark, mergeAttributes, type AnyExtension } from '@tiptap/core';
import { Blockquote } from '@tiptap/extension-blockquote';
import { Bold } from '@tiptap/extension-bold';
import { Code } from '@tiptap/extension-code';
import { CodeBlock } from '@tiptap/extension-code-block';
import { Document } from '@tiptap/extension-document';
import { HardBreak } from '@tiptap/extension-hard-break';
import { Heading } from '@tiptap/extension-heading';
import { HorizontalRule } from '@tiptap/extension-horizontal-rule';
import { Italic } from '@tiptap/extension-italic';
import { BulletList } from '@tiptap/extension-list/bullet-list';
import { ListItem } from '@tiptap/extension-list/item';
import { ListKeymap } from '@tiptap/extension-list/keymap';
import { Paragraph } from '@tiptap/extension-paragraph';
import { Strike } from '@tiptap/extension-strike';
import { Text } from '@tiptap/extension-text';
import { Underline } from '@tiptap/extension-underline';
import { TrailingNode } from '@tiptap/extensions/trailing-node';
import { OrderedList } from './ordered-list.ts';

const PROTOCOLS = /^(?:(?:https?|ftps?|mailto|tel|callto|sms|cid|xmpp):|[^a-z]|[a-z0-9+.-]+(?:[^a-z+.\-:]|$))/i;
const WHITESPACE = /[\0-\x20\xA0\u1680\u180E\u2000-\u2029\u205F\u3000]/g;

/** Tiptap's Link rule for a safe address: no `javascript:` and the like. */
const allowedHref = (href: string | null | undefined) => !href || PROTOCOLS.test(href.replace(WHITESPACE, ''));

/**
 * The link mark as Tiptap's Link declares it (name, attributes, HTML), without its autolink,
 * paste and click plugins. Texts written before may carry links (StarterKit linked a typed
 * address), and y-prosemirror deletes what the schema does not know, so the mark stays; the
 * plugins brought linkifyjs (11 kB brotli with Link itself) into the text page's first scripts.
 */
export const LinkMark = Mark.create({
  name: 'link',
  priority: 1000,
  keepOnSplit: false,
  exitable: true,
  inclusive: false,
  addAttributes() {
    return {
      href: { default: null, parseHTML: (element: HTMLElement) => element.getAttribute('href') },
      target: { default: '_blank' },
      rel: { default: 'noopener noreferrer nofollow' },
      class: { default: null },
      title: { default: null },
    };
  },
  parseHTML() {
    return [{ tag: 'a[href]', getAttrs: (dom) => (allowedHref((dom as HTMLElement).getAttribute('href')) ? null : false) }];
  },
  renderHTML({ HTMLAttributes }) {
    const attributes = allowedHref(HTMLAttributes.href as string | null) ? HTMLAttributes : { ...HTMLAttributes, href: '' };
    return ['a', mergeAttributes(attributes), 0];
  },
});

/**
 * The article text's schema and editing: StarterKit's extensions, in its order, listed one by
 * one (StarterKit imports each of them, Link and linkifyjs included, whatever it is told), with
 * the link mark alone in place of Link and our OrderedList without Markdown (ordered-list.ts).
 * Undo and redo are Yjs's: ProseMirror's own would undo other people's edits. The drop and gap
 * cursors (Dropcursor, Gapcursor: their plugins only, no schema of their own) and the paste of a
 * plain-text numbered list come once the text is shown (editing-after-paint.ts).
 */
export function textExtensions(): AnyExtension[] {
  return [
    Bold,
    Blockquote,
    BulletList,
    Code,
    CodeBlock,
    Document,
    HardBreak,
    Heading,
    HorizontalRule,
    Italic,
    ListItem,
    ListKeymap,
    LinkMark,
    OrderedList,
    Paragraph,
    Strike,
    Text,
    Underline,
    TrailingNode,
  ];
}
