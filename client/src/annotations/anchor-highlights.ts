import { Extension, type Editor } from '@tiptap/core';
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import type { Anchor } from '../../../shared/amendments/amendment.ts';

/**
 * Highlights of anchored ranges (annotations, amendments) in the live editor. Anchors are
 * Yjs relative positions: they are resolved against the editor's document at each render,
 * so a highlight follows the text however others edit around it.
 */

export interface Highlight {
  id: string;
  anchor: Anchor;
  kind: 'annotation' | 'amendment';
  active?: boolean;
}

const key = new PluginKey<Highlight[]>('anchorHighlights');

const decode = (encoded: string): Y.RelativePosition => Y.decodeRelativePosition(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)));
const encode = (position: Y.RelativePosition): string => btoa(String.fromCharCode(...Y.encodeRelativePosition(position)));

interface SyncState {
  doc: Y.Doc;
  type: Y.XmlFragment;
  binding: { mapping: Map<Y.AbstractType<unknown>, unknown> } | null;
}

function syncOf(state: EditorState): SyncState | null {
  const sync = ySyncPluginKey.getState(state) as SyncState | undefined;
  return sync?.binding ? sync : null;
}

function absolute(state: EditorState, encoded: string): number | null {
  const sync = syncOf(state);
  if (!sync?.binding) return null;
  try {
    return relativePositionToAbsolutePosition(sync.doc, sync.type, decode(encoded), sync.binding.mapping as never);
  } catch {
    return null;
  }
}

export const AnchorHighlights = Extension.create({
  name: 'anchorHighlights',
  addProseMirrorPlugins() {
    return [
      new Plugin<Highlight[]>({
        key,
        state: {
          init: () => [],
          apply: (tr, value) => (tr.getMeta(key) as Highlight[] | undefined) ?? value,
        },
        props: {
          decorations(state) {
            const decorations: Decoration[] = [];
            for (const h of key.getState(state) ?? []) {
              const from = absolute(state, h.anchor.start);
              const to = absolute(state, h.anchor.end);
              if (from === null || to === null || from >= to) continue;
              decorations.push(
                Decoration.inline(from, to, {
                  class: `anchor-highlight anchor-${h.kind}${h.active ? ' anchor-active' : ''}`,
                  'data-anchor-id': h.id,
                }),
              );
            }
            return DecorationSet.create(state.doc, decorations);
          },
        },
      }),
    ];
  },
});

/** Where an anchor's passage is in the editor's document now; null when it is gone. */
export function anchorRange(state: EditorState, anchor: Anchor): { from: number; to: number } | null {
  const from = absolute(state, anchor.start);
  const to = absolute(state, anchor.end);
  return from === null || to === null || from >= to ? null : { from, to };
}

/** Whether an anchor's passage is gone from the text (deleted since it was annotated). */
export function anchorLost(editor: Editor, anchor: Anchor): boolean {
  const from = absolute(editor.state, anchor.start);
  const to = absolute(editor.state, anchor.end);
  return from === null || to === null || from >= to;
}

/** Shows these highlights in the editor. */
export function setHighlights(editor: Editor, highlights: Highlight[]): void {
  if (editor.isDestroyed) return;
  editor.view.dispatch(editor.state.tr.setMeta(key, highlights));
}

/** The editor's selection as an anchor (relative positions), with its text; null when nothing is selected. */
export function selectionAnchor(editor: Editor): { anchor: Anchor; text: string } | null {
  const { from, to, empty } = editor.state.selection;
  const sync = syncOf(editor.state);
  if (empty || !sync?.binding) return null;
  const mapping = sync.binding.mapping as never;
  return {
    anchor: {
      start: encode(absolutePositionToRelativePosition(from, sync.type, mapping)),
      end: encode(absolutePositionToRelativePosition(to, sync.type, mapping)),
    },
    text: editor.state.doc.textBetween(from, to, '\n'),
  };
}
