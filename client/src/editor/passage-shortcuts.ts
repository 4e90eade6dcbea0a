import { Extension } from '@tiptap/core';

/**
 * Keys that act on the passage selected in the text, so that a keyboard-only delegate does
 * not have to leave the text to annotate it or anchor an amendment on it. Ctrl+Alt+M is the
 * comment key of the word processors delegations use (Word, Google Docs); Ctrl+Alt+A
 * (« amendement ») beside it. Both are announced next to the buttons they stand for
 * (aria-keyshortcuts and a visible hint).
 */
export const PASSAGE_KEYS = { annotate: 'Control+Alt+M', amend: 'Control+Alt+A' } as const;

export interface PassageShortcutsOptions {
  annotate: () => void;
  amend: () => void;
}

export const PassageShortcuts = Extension.create<PassageShortcutsOptions>({
  name: 'passageShortcuts',
  addOptions: () => ({ annotate: () => {}, amend: () => {} }),
  addKeyboardShortcuts() {
    return {
      'Ctrl-Alt-m': () => {
        this.options.annotate();
        return true;
      },
      'Ctrl-Alt-a': () => {
        this.options.amend();
        return true;
      },
      // Chromium leaves a selection where it is on Ctrl+Home when it starts at the very beginning
      // of the text and ends with a highlighted passage (an annotation's): the keyboard user who
      // selects again from the top would extend the old selection instead.
      'Ctrl-Home': () => this.editor.commands.setTextSelection(0),
      'Ctrl-End': () => this.editor.commands.setTextSelection(this.editor.state.doc.content.size),
    };
  },
});
