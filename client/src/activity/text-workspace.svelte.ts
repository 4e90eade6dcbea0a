import { isFinal } from '../../../shared/amendments/lifecycle.ts';
import type { Editor } from '@tiptap/core';
import type * as Y from 'yjs';
import { Amendments, type FollowedText } from '../amendments/amendments.svelte.ts';
import type { AmendmentReader } from '../../../shared/amendments/amendment-view.ts';
import { Annotations } from '../annotations/annotations.svelte.ts';
import { anchorLost, selectionAnchor, setHighlights, type Highlight } from '../annotations/anchor-highlights.ts';
import type { Anchor } from '../../../shared/amendments/amendment.ts';
import { connection, type NegotiationStream } from '../lib/connection.svelte.ts';
import { amendmentHighlight, annotationHighlight } from '../editor/highlight-labels.ts';
import './workspace.css';

interface SyncingProvider {
  synced: boolean;
  on(event: 'sync', listener: (synced: boolean) => void): void;
  off(event: 'sync', listener: (synced: boolean) => void): void;
}

/** The editor's live document and whether it holds the server's text yet (its Collaboration extensions' options). */
function liveTextOf(editor: Editor): FollowedText | null {
  const option = (name: string, key: string): unknown => editor.extensionManager.extensions.find((e) => e.name === name)?.options?.[key];
  const doc = option('collaboration', 'document') as Y.Doc | undefined;
  const provider = option('collaborationCaret', 'provider') as SyncingProvider | undefined;
  if (!doc) return null;
  return {
    doc,
    synced: () => provider?.synced ?? true,
    onSynced: (listener) => {
      if (!provider) return () => {};
      const onSync = (synced: boolean) => {
        if (synced) listener();
      };
      provider.on('sync', onSync);
      return () => provider.off('sync', onSync);
    },
  };
}

/**
 * What the text view adds around the live editor: the negotiation's event channel, the
 * amendments and annotations of the article shown, their highlights in the text.
 */
export class TextWorkspace {
  readonly feed: NegotiationStream;
  readonly amendments: Amendments;
  readonly annotations: Annotations;
  editor = $state<Editor | null>(null);
  articleId = $state<string | null>(null);
  /** The thread or amendment hovered in the margin: its passage is emphasised. */
  focused = $state<string | null>(null);
  /** Bumped at each change of the text: what depends on anchors recomputes. */
  textVersion = $state(0);
  /** Bumped by the passage keys (editor/passage-shortcuts.ts): the margin and the amendment panel answer them. */
  annotateRequests = $state(0);
  amendRequests = $state(0);
  private detach: (() => void) | null = null;

  readonly negotiationId: string;

  /** `reader`: who reads, for what they may do with each amendment (their mandate may change while they read). */
  constructor(negotiationId: string, reader: () => AmendmentReader) {
    this.negotiationId = negotiationId;
    this.feed = connection.follow(negotiationId);
    this.amendments = new Amendments(negotiationId, this.feed, reader);
    this.annotations = new Annotations(negotiationId, this.feed);
    void this.amendments.load();
    void this.annotations.load();
  }

  /** The article editor is ready: follow its text (the amendments' flags) and decorate it. */
  attach(editor: Editor, articleId: string): void {
    this.detach?.();
    this.editor = editor;
    this.articleId = articleId;
    const onUpdate = () => {
      this.textVersion++;
    };
    editor.on('update', onUpdate);
    const text = liveTextOf(editor);
    const unfollow = text ? this.amendments.follow(articleId, text) : () => {};
    this.detach = () => {
      editor.off('update', onUpdate);
      unfollow();
    };
  }

  selection = (): ReturnType<typeof selectionAnchor> => (this.editor && !this.editor.isDestroyed ? selectionAnchor(this.editor) : null);

  /** Whether an annotated passage was deleted from the text since. */
  detached = (anchor: Anchor): boolean => {
    void this.textVersion;
    return !!this.editor && !this.editor.isDestroyed && anchorLost(this.editor, anchor);
  };

  /** Recomputed by the view's effect whenever the lists or the focus change. */
  highlights(): Highlight[] {
    if (!this.articleId) return [];
    const notes = this.annotations
      .onArticle(this.articleId)
      .filter((a) => !a.resolved)
      .map((a) => annotationHighlight(a, this.focused));
    const amended = this.amendments
      .onArticle(this.articleId)
      .filter((a) => a.anchor && !isFinal(a.status))
      .map((a) => amendmentHighlight({ ...a, anchor: a.anchor! }, this.focused));
    return [...amended, ...notes];
  }

  paint(): void {
    if (this.editor && !this.editor.isDestroyed) setHighlights(this.editor, this.highlights());
  }

  destroy(): void {
    this.detach?.();
    this.amendments.destroy();
    this.annotations.destroy();
  }
}
