import { Extension, type Editor } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import type { Anchor } from '../../../shared/amendments/amendment.ts';
import { anchorRange } from '../annotations/anchor-highlights.ts';

/**
 * Amendments shown in the text itself, on the passage they target: in the original text, the
 * passage is marked with the amendment's number; in the amended text, it is struck through and
 * the words proposed follow it, as a « tableau comparatif » reads. Decorations only: the live
 * text is never touched (an amendment changes it only when merged).
 */

export interface InlineAmendment {
  id: string;
  anchor: Anchor;
  /** « n° 3 (CGT) ». */
  label: string;
  /** The words proposed instead of the passage ('' for a deletion); null when the kind proposes no words there. */
  proposed: string | null;
}

export type AmendmentReading = 'original' | 'amended';

const key = new PluginKey<{ amendments: InlineAmendment[]; reading: AmendmentReading }>('inlineAmendments');

function marker(text: string, className: string): HTMLElement {
  const element = document.createElement(className === 'inline-amendment-proposed' ? 'ins' : 'span');
  element.className = className;
  element.textContent = text;
  return element;
}

export const InlineAmendments = Extension.create({
  name: 'inlineAmendments',
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key,
        state: {
          init: () => ({ amendments: [], reading: 'original' as AmendmentReading }),
          apply: (tr, value) => tr.getMeta(key) ?? value,
        },
        props: {
          decorations(state) {
            const { amendments, reading } = key.getState(state) ?? { amendments: [], reading: 'original' };
            const decorations: Decoration[] = [];
            for (const a of amendments) {
              const range = anchorRange(state, a.anchor);
              if (!range) continue;
              const amended = reading === 'amended' && a.proposed !== null;
              decorations.push(
                Decoration.inline(range.from, range.to, { class: amended ? 'inline-amendment-replaced' : 'inline-amendment-target', 'data-amendment-id': a.id }),
                Decoration.widget(range.to, () => marker(a.label, 'inline-amendment-label'), { side: 1, key: `${a.id}:label`, ignoreSelection: true }),
              );
              if (amended && a.proposed) {
                const proposed = a.proposed;
                decorations.push(Decoration.widget(range.to, () => marker(proposed, 'inline-amendment-proposed'), { side: 2, key: `${a.id}:${proposed}`, ignoreSelection: true }));
              }
            }
            return DecorationSet.create(state.doc, decorations);
          },
        },
      }),
    ];
  },
});

/** Shows these amendments, read as the original or the amended text. */
export function setInlineAmendments(editor: Editor, amendments: InlineAmendment[], reading: AmendmentReading): void {
  if (editor.isDestroyed) return;
  editor.view.dispatch(editor.state.tr.setMeta(key, { amendments, reading }));
}
