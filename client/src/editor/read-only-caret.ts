import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { ySyncPluginKey } from '@tiptap/y-tiptap';

/**
 * A reader's editor that the keyboard can reach: the surface stays contenteditable, so it takes
 * the focus and a caret, and Shift+arrows select a passage to annotate or to anchor an
 * amendment on, as a mouse would. What a reader types changes nothing: transactions that
 * change the document are refused unless they come from the Yjs binding (the pen-holders'
 * edits arriving live), and input events are cancelled before the browser touches the DOM.
 * The server drops a reader's document updates anyway; this keeps the screen honest.
 */
export const ReadOnlyCaret = Extension.create({
  name: 'readOnlyCaret',
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('readOnlyCaret'),
        filterTransaction: (tr) => !tr.docChanged || tr.getMeta(ySyncPluginKey) !== undefined,
        props: {
          handleDOMEvents: {
            beforeinput: (_view, event) => {
              event.preventDefault();
              return true;
            },
            drop: (_view, event) => {
              event.preventDefault();
              return true;
            },
          },
          handlePaste: () => true,
        },
      }),
    ];
  },
});
