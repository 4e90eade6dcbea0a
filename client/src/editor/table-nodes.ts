import { Node, callOrReturn, getExtensionField, mergeAttributes } from '@tiptap/core';
import { TableCell } from '@tiptap/extension-table/cell';
import { TableHeader } from '@tiptap/extension-table/header';
import { TableRow } from '@tiptap/extension-table/row';

/**
 * The table node as Tiptap's Table declares it (name, content, role, HTML), without its editing:
 * y-prosemirror deletes what the schema does not know, so the article's tables need their node
 * types from the editor's first state, but their editing (prosemirror-tables: cell selection,
 * Tab from cell to cell, the insert command; 13 kB brotli) comes once the text is shown
 * (editing-after-paint.ts). Columns are never resized here (`resizable: false`), so the table is drawn
 * as Tiptap's view draws it without its column widths: a wrapper, the table and its body.
 */
const Table = Node.create({
  name: 'table',
  content: 'tableRow+',
  tableRole: 'table',
  isolating: true,
  group: 'block',
  parseHTML() {
    return [{ tag: 'table' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['div', { class: 'tableWrapper' }, ['table', mergeAttributes(HTMLAttributes), ['tbody', 0]]];
  },
  extendNodeSchema(extension) {
    // The role prosemirror-tables finds each node type by (`tableRole` in the spec), as Table declares it.
    const context = { name: extension.name, options: extension.options, storage: extension.storage };
    return { tableRole: callOrReturn(getExtensionField(extension, 'tableRole', context)) };
  },
});

/** The table's four node types, in TableKit's order. */
export const tableNodes = () => [Table, TableCell, TableHeader, TableRow];
