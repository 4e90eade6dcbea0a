import type { Editor } from '@tiptap/core';
import { parsePlainTextOrderedListPaste } from '@tiptap/extension-list/ordered-list';
import { createTable } from '@tiptap/extension-table';
import { dropCursor } from '@tiptap/pm/dropcursor';
import { gapCursor } from '@tiptap/pm/gapcursor';
import { keymap } from '@tiptap/pm/keymap';
import { Plugin, TextSelection, type Command } from '@tiptap/pm/state';
import { CellSelection, addRowAfter, deleteTable, goToNextCell, tableEditing } from '@tiptap/pm/tables';

/** Tab: the next cell, or a new row after the last one (as Tiptap's Table does). */
const nextCellOrNewRow: Command = (state, dispatch, view) => {
  if (goToNextCell(1)(state, dispatch)) return true;
  if (!addRowAfter(state)) return false;
  if (!dispatch || !view) return true;
  addRowAfter(state, dispatch);
  return goToNextCell(1)(view.state, dispatch);
};

/** Backspace or Delete with every cell selected: the whole table goes. */
const deleteWholeTable: Command = (state, dispatch) => {
  const { selection } = state;
  if (!(selection instanceof CellSelection) || !selection.isRowSelection() || !selection.isColSelection()) return false;
  return deleteTable(state, dispatch);
};

/** A numbered list pasted as plain text (« 1. … » line after line) becomes a list, as Tiptap's OrderedList makes it (ordered-list.ts). */
const numberedListPaste = () =>
  new Plugin({
    props: {
      handlePaste: (view, event) => {
        if (event.clipboardData?.getData('text/html')?.trim()) return false;
        const list = parsePlainTextOrderedListPaste(event.clipboardData?.getData('text/plain') ?? '');
        if (!list) return false;
        try {
          view.dispatch(view.state.tr.replaceSelectionWith(view.state.schema.nodeFromJSON(list)));
          return true;
        } catch {
          return false;
        }
      },
    },
  });

/**
 * What editing needs and showing the text does not, loaded once the article's text is shown, not
 * with the editor's first scripts: the tables' editing, on an editor whose schema has their
 * nodes (table-nodes.ts): cell selection and the keys of prosemirror-tables, Tab and Shift-Tab
 * from cell to cell; and StarterKit's drop cursor (where a dragged passage will land) and gap
 * cursor (a caret beside a table), as its Dropcursor and Gapcursor extensions add them; and the
 * paste of a numbered list written as plain text.
 */
export function addEditingAfterPaint(editor: Editor): void {
  if (editor.isDestroyed) return;
  editor.registerPlugin(dropCursor({ color: 'currentColor', width: 1 }));
  editor.registerPlugin(gapCursor());
  editor.registerPlugin(tableEditing());
  editor.registerPlugin(numberedListPaste());
  editor.registerPlugin(
    keymap({
      Tab: nextCellOrNewRow,
      'Shift-Tab': goToNextCell(-1),
      Backspace: deleteWholeTable,
      'Mod-Backspace': deleteWholeTable,
      Delete: deleteWholeTable,
      'Mod-Delete': deleteWholeTable,
    }),
  );
}

/** A table of three rows by three columns, its first row the headers, where the caret is (the caret goes in its first cell). */
export function insertTable(editor: Editor): void {
  const table = createTable(editor.schema, 3, 3, true);
  editor
    .chain()
    .focus()
    .command(({ tr }) => {
      const offset = tr.selection.from + 1;
      tr.replaceSelectionWith(table).scrollIntoView().setSelection(TextSelection.near(tr.doc.resolve(offset)));
      return true;
    })
    .run();
}
