import type { EditorStack } from './editor-stack.ts';

let loading: Promise<EditorStack> | null = null;

/** The editor stack (editor-stack.ts), imported once for every editor of the page; asked again after a failed download. */
export function loadEditorStack(): Promise<EditorStack> {
  return (loading ??= import('./editor-stack.ts').catch((err: unknown) => {
    loading = null;
    throw err;
  }));
}
