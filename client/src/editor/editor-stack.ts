// The text page's editor stack: Tiptap, ProseMirror, y-tiptap and the extensions our editors are
// made of. The page imports it on demand and the server names it in the page's HTML with its first
// scripts (scripts/build/route-preloads.ts), so it downloads with them; but the page's own code no
// longer waits for it to run. On a slow link it is the largest of those files and arrives last:
// meanwhile the page is mounted, its reads answered and the article's live document synced, and
// what is left when it arrives is creating the editor.
export { Editor } from '@tiptap/core';
export { default as Collaboration } from '@tiptap/extension-collaboration';
export { default as CollaborationCaret } from '@tiptap/extension-collaboration-caret';
export { textExtensions } from './text-extensions.ts';
export { tableNodes } from './table-nodes.ts';
export { ReadOnlyCaret } from './read-only-caret.ts';
export { Authorship, showAuthorship } from './authorship.ts';
export { MergeMarks, showMergeMarks } from './merge-marks.ts';
export { AnchorHighlights, anchorRange, setHighlights } from '../annotations/anchor-highlights.ts';
export { InlineAmendments, setInlineAmendments } from './inline-amendments.ts';
export { PassageShortcuts } from './passage-shortcuts.ts';

export type EditorStack = typeof import('./editor-stack.ts');
