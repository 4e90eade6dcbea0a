import { Extension, type Editor } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import type { MergedRun } from '../../../shared/versions/authorship.ts';
import { placesOfRuns } from './authorship.ts';

/**
 * Text merged from an amendment stays marked « Amdt n° X (ORG) » until the next version: the
 * passages come from the server's record of each merge (the Yjs items it wrote, answered with
 * the article's authorship), found in the editor's own document by their ids. Each passage is
 * underlined, with its amendment named at its start.
 */

export type { MergedRun };

const key = new PluginKey<readonly MergedRun[]>('merge-marks');

export const MergeMarks = Extension.create<{ label: (run: MergedRun) => string; title: (run: MergedRun) => string }>({
  name: 'mergeMarks',
  addOptions() {
    return { label: (run) => `${run.number ?? '?'} (${run.org})`, title: (run) => `${run.number ?? '?'} (${run.org})` };
  },
  addProseMirrorPlugins() {
    const { label, title } = this.options;
    return [
      new Plugin<readonly MergedRun[]>({
        key,
        state: {
          init: () => [],
          apply: (tr, value) => (tr.getMeta(key) as readonly MergedRun[] | undefined) ?? value,
        },
        props: {
          decorations(state) {
            const runs = key.getState(state) ?? [];
            if (runs.length === 0) return null;
            const decorations: Decoration[] = [];
            let last = null as { amendmentId: string; to: number } | null;
            for (const { run, from, to } of placesOfRuns(state, runs)) {
              const text = label(run);
              decorations.push(Decoration.inline(from, to, { class: 'merged-amendment', title: title(run), 'data-amendment': run.amendmentId }));
              // The amendment's name once at the start of each passage (not at each piece of it).
              if (last?.amendmentId !== run.amendmentId || last.to !== from) {
                decorations.push(
                  Decoration.widget(
                    from,
                    () => {
                      const tag = document.createElement('span');
                      tag.className = 'merge-mark';
                      tag.dataset.testid = 'merge-mark';
                      tag.contentEditable = 'false';
                      tag.textContent = text;
                      return tag;
                    },
                    { side: -1, key: `merge-${run.amendmentId}-${from}-${text}`, ignoreSelection: true },
                  ),
                );
              }
              last = { amendmentId: run.amendmentId, to };
            }
            return DecorationSet.create(state.doc, decorations);
          },
        },
      }),
    ];
  },
});

/** Marks these merged passages (an empty list: none). */
export function showMergeMarks(editor: Editor, runs: readonly MergedRun[]): void {
  if (editor.isDestroyed) return;
  editor.view.dispatch(editor.state.tr.setMeta(key, runs));
}
