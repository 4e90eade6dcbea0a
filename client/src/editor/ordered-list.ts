import { Node, mergeAttributes, wrappingInputRule } from '@tiptap/core';

/** Google Docs and Word say a list's numbering in CSS (list-style-type) rather than in `type`. */
function htmlTypeOfStyle(style: string): string | null {
  const found = /list-style-type\s*:\s*([^;]+)/i.exec(style);
  switch (found?.[1].trim().toLowerCase()) {
    case 'upper-roman':
      return 'I';
    case 'lower-roman':
      return 'i';
    case 'upper-alpha':
    case 'upper-latin':
      return 'A';
    case 'lower-alpha':
    case 'lower-latin':
      return 'a';
    default:
      return null;
  }
}

/**
 * Tiptap's OrderedList (@tiptap/extension-list 3.x) as the text uses it: its node, its attributes
 * (the first number, the numbering's type), its command, Mod-Shift-7 and « 1. » typed at the
 * start of a paragraph. Tiptap's own also carries a Markdown tokenizer, parser and renderer, which
 * the text never uses (the build drops every extension's Markdown: scripts/build/no-markdown.ts),
 * and the parser of a numbered list pasted as plain text, with its roman and alphabetic markers:
 * that paste comes once the text is shown (editing-after-paint.ts), with Tiptap's own parser.
 * The editor stack is 0.9 kB brotli lighter for it, 2 kB before the build dropped the Markdown.
 */
export const OrderedList = Node.create({
  name: 'orderedList',
  group: 'block list',
  content: 'listItem+',

  addAttributes() {
    return {
      start: {
        default: 1,
        parseHTML: (element: HTMLElement) => (element.hasAttribute('start') ? parseInt(element.getAttribute('start') || '', 10) : 1),
      },
      type: {
        default: null,
        parseHTML: (element: HTMLElement) => {
          const style = element.getAttribute('style');
          const itemStyle = element.querySelector('li')?.getAttribute('style');
          return element.getAttribute('type') || (style && htmlTypeOfStyle(style)) || (itemStyle && htmlTypeOfStyle(itemStyle)) || null;
        },
      },
    };
  },

  parseHTML() {
    return [{ tag: 'ol' }];
  },

  renderHTML({ HTMLAttributes }) {
    const { start, type, ...attributes } = HTMLAttributes as { start: number; type: string | null };
    const rendered: Record<string, unknown> = mergeAttributes(attributes);
    if (start !== 1) rendered.start = start;
    if (type && type !== '1') rendered.type = type;
    return ['ol', rendered, 0];
  },

  addCommands() {
    return {
      toggleOrderedList:
        () =>
        ({ commands }) =>
          commands.toggleList(this.name, 'listItem', false),
    };
  },

  addKeyboardShortcuts() {
    return { 'Mod-Shift-7': () => this.editor.commands.toggleOrderedList() };
  },

  addInputRules() {
    return [
      wrappingInputRule({
        find: /^(\d+)\.\s$/,
        type: this.type,
        getAttributes: (match) => ({ start: +match[1] }),
        joinPredicate: (match, node) => (!node.attrs.type || node.attrs.type === '1') && node.childCount + node.attrs.start === +match[1],
      }),
    ];
  },
});
