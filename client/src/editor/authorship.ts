import { Extension, type Editor } from '@tiptap/core';
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import type { ItemRun, WrittenRun } from '../../../shared/versions/authorship.ts';

/**
 * « Qui a écrit quoi »: each run of the live text coloured by its author's organisation, the
 * person named on hover. Who wrote what comes from the server's record of every editor's
 * changes (server/versions/text-edits.ts), by the Yjs ids of the items inserted; the editor's
 * own document has the same items, so each is found where it stands now. Text no one is
 * recorded for (the seed, a merge) stays uncoloured.
 */

export type { WrittenRun };

interface AuthorshipState {
  runs: WrittenRun[];
  colour: (org: string | null) => string;
}

const key = new PluginKey<AuthorshipState | null>('authorship');

/** Per client, its runs sorted by clock. */
function indexRuns<R extends ItemRun>(runs: readonly R[]): Map<number, R[]> {
  const byClient = new Map<number, R[]>();
  for (const run of runs) {
    const list = byClient.get(run.client);
    if (list) list.push(run);
    else byClient.set(run.client, [run]);
  }
  for (const list of byClient.values()) list.sort((a, b) => a.clock - b.clock);
  return byClient;
}

/** The run covering (client, clock), or the clock where the next run starts. */
function runAt<R extends ItemRun>(index: Map<number, R[]>, client: number, clock: number): { run: R | null; next: number } {
  const list = index.get(client) ?? [];
  let next = Number.MAX_SAFE_INTEGER;
  for (const run of list) {
    if (run.clock <= clock && clock < run.clock + run.len) return { run, next: run.clock + run.len };
    if (run.clock > clock) {
      next = run.clock;
      break;
    }
  }
  return { run: null, next };
}

function texts(type: Y.XmlFragment | Y.XmlElement, out: Y.XmlText[] = []): Y.XmlText[] {
  for (const child of type.toArray()) {
    if (child instanceof Y.XmlText) out.push(child);
    else if (child instanceof Y.XmlElement) texts(child, out);
  }
  return out;
}

/**
 * Where the live text's characters of the given runs stand in the editor now, in document
 * order: each piece of text one run inserted, found by its Yjs ids (deleted text is gone).
 */
export function placesOfRuns<R extends ItemRun>(state: EditorState, runs: readonly R[]): { run: R; from: number; to: number }[] {
  const sync = ySyncPluginKey.getState(state) as { doc: Y.Doc; type: Y.XmlFragment; binding: { mapping: unknown } | null } | undefined;
  if (!sync?.binding || runs.length === 0) return [];
  const index = indexRuns(runs);
  const places: { run: R; from: number; to: number }[] = [];
  for (const text of texts(sync.type)) {
    for (let item = (text as unknown as { _start: Y.Item | null })._start; item; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
      const { client, clock } = item.id;
      for (let offset = 0; offset < item.length; ) {
        const { run, next } = runAt(index, client, clock + offset);
        const length = Math.min(item.length - offset, (run ? run.clock + run.len : next) - (clock + offset));
        if (run) {
          const from = relativePositionToAbsolutePosition(sync.doc, sync.type, Y.createRelativePositionFromJSON({ item: { client, clock: clock + offset } }), sync.binding.mapping as never);
          if (from !== null) places.push({ run, from, to: from + length });
        }
        offset += Math.max(1, length);
      }
    }
  }
  return places;
}

function decorate(state: EditorState, authorship: AuthorshipState): DecorationSet {
  const decorations = placesOfRuns(state, authorship.runs).map(({ run, from, to }) =>
    Decoration.inline(from, to, {
      class: 'written-by',
      style: `--author: ${authorship.colour(run.org)}`,
      title: run.org ? `${run.name} · ${run.org}` : run.name,
      'data-org': run.org ?? '',
    }),
  );
  return DecorationSet.create(state.doc, decorations);
}

export const Authorship = Extension.create({
  name: 'authorship',
  addProseMirrorPlugins() {
    return [
      new Plugin<AuthorshipState | null>({
        key,
        state: {
          init: () => null,
          apply: (tr, value) => {
            const meta = tr.getMeta(key) as AuthorshipState | null | undefined;
            return meta === undefined ? value : meta;
          },
        },
        props: {
          decorations(state) {
            const authorship = key.getState(state);
            return authorship ? decorate(state, authorship) : null;
          },
        },
      }),
    ];
  },
});

/** Colours the text by author (null: no colours). */
export function showAuthorship(editor: Editor, authorship: AuthorshipState | null): void {
  if (editor.isDestroyed) return;
  editor.view.dispatch(editor.state.tr.setMeta(key, authorship));
}
