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
 *
 * Where several highlights cover the same words (an amendment on an annotated passage, two
 * annotations of different audiences), the words are cut into pieces, each one mark naming
 * everything that covers it: its tooltip lists them one a line, its description (a mark may
 * not carry a name, ARIA prohibits it) says them to a screen reader, and one underline per
 * layer is drawn, stacked. Overlapping decorations would otherwise merge into one element
 * keeping only one of their ids and names.
 */

export interface Highlight {
  id: string;
  anchor: Anchor;
  kind: 'annotation' | 'amendment';
  /** How the reader names it: « Amendement n° 3 (CGT) », « Annotation CFDT, visible par… ». */
  label: string;
  /** The layer its underline is drawn in: an annotation's audience, or `amendment`. */
  layer: 'amendment' | 'private' | 'delegation' | 'college' | 'committee';
  active?: boolean;
}

/** One colour per layer, each at least 3:1 against the page (a non-text cue). */
const LAYER_COLOURS: Record<Highlight['layer'], string> = {
  amendment: '#1d4e89',
  committee: '#b45309',
  college: '#0f766e',
  delegation: '#7e22ce',
  private: '#be123c',
};
const UNDERLINE = 2;

/** The decorations of these highlights: one per piece of text covered by the same ones. */
function decorate(state: EditorState, highlights: Highlight[]): Decoration[] {
  const placed = highlights
    .map((h) => ({ h, from: absolute(state, h.anchor.start), to: absolute(state, h.anchor.end) }))
    .filter((p): p is { h: Highlight; from: number; to: number } => p.from !== null && p.to !== null && p.from < p.to);
  const cuts = [...new Set(placed.flatMap((p) => [p.from, p.to]))].sort((a, b) => a - b);
  const decorations: Decoration[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [from, to] = [cuts[i]!, cuts[i + 1]!];
    const over = placed.filter((p) => p.from <= from && p.to >= to).map((p) => p.h);
    if (over.length === 0) continue;
    // Amendments first, then annotations in the order they were given.
    over.sort((a, b) => Number(b.kind === 'amendment') - Number(a.kind === 'amendment'));
    const kinds = [...new Set(over.map((h) => `anchor-${h.kind}`))];
    const labels = over.map((h) => h.label);
    decorations.push(
      Decoration.inline(from, to, {
        nodeName: 'mark',
        class: ['anchor-highlight', ...kinds, ...(over.some((h) => h.active) ? ['anchor-active'] : [])].join(' '),
        'data-anchor-id': over.map((h) => h.id).join(' '),
        'data-layers': String(over.length),
        title: labels.join('\n'),
        'aria-description': labels.join(' ; '),
        style: `box-shadow: ${over.map((h, n) => `0 ${UNDERLINE * (n + 1)}px 0 0 ${LAYER_COLOURS[h.layer]}`).join(', ')}`,
      }),
    );
  }
  return decorations;
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
            return DecorationSet.create(state.doc, decorate(state, key.getState(state) ?? []));
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
