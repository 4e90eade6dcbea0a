import type * as Y from 'yjs';
import type { AmendmentDetail, AmendmentRecord, AmendmentView, Anchor } from '../../../shared/amendments/amendment.ts';
import {
  amendmentDetail,
  amendmentFlags,
  amendmentView,
  readLiveArticle,
  type AmendmentFlags,
  type AmendmentReader,
  type LiveArticle,
} from '../../../shared/amendments/amendment-view.ts';
import { applyAmendmentEvents } from '../../../shared/amendments/amendment.fold.ts';
import type { AmendmentContent } from '../../../shared/amendments/formula.ts';
import type { AmendmentTransition } from '../../../shared/amendments/lifecycle.ts';
import { COMMITTEE, type NegotiationEvent, type Visibility } from '../../../shared/events.ts';
import type { NegotiationStream } from '../lib/connection.svelte.ts';
import { api } from '../lib/api.ts';
import { describeError } from '../lib/errors.ts';

const COMMANDS = {
  table: 'amendment:table',
  discuss: 'amendment:discuss',
  adopt: 'amendment:adopt',
  reject: 'amendment:reject',
  withdraw: 'amendment:withdraw',
} as const satisfies Record<Exclude<AmendmentTransition, 'merge'>, string>;

export interface AmendmentInput {
  articleId: string;
  content: AmendmentContent;
  justification: string;
  anchor: Anchor | null;
}

/** The live text of an article shown beside the panel: its editor's document, once it holds the server's text. */
export interface FollowedText {
  doc: Y.Doc;
  synced: () => boolean;
  onSynced: (listener: () => void) => () => void;
}

const UNFLAGGED: AmendmentFlags = { outdated: false, competing: [] };

/**
 * A view read over HTTP, as the fold holds it. The view leaves out who may see the amendment;
 * a draft (or a draft withdrawn) stays its delegation's, anything once tabled is the committee's.
 */
function recordOf(view: AmendmentView): AmendmentRecord {
  const { outdated: _o, competing: _c, actions: _a, ...rest } = view;
  const tabled = view.history.some((h) => h.status === 'tabled');
  const visibility: Visibility = tabled ? COMMITTEE : { scope: 'delegation', org: view.org.id };
  return { ...rest, visibility };
}

/**
 * The amendments of a negotiation as the reader may see them: read once over HTTP, then kept
 * by the amendment events through the fold the server uses (shared/amendments/amendment.fold.ts).
 * Whether an amendment is outdated or competing depends on the live text: for the articles
 * shown (their editors' documents, `follow`) it is derived here with the server's own rule
 * (shared/amendments/amendment-view.ts) at each change of the text; commands go over the
 * negotiation's channel and their answers never replace a newer state.
 */
export class Amendments {
  private records = $state.raw<AmendmentRecord[]>([]);
  private flags = $state.raw<Record<string, AmendmentFlags>>({});
  list = $derived.by(() => {
    const reader = this.reader();
    return this.records.map((r) => amendmentView(r, reader, this.flags[r.id] ?? UNFLAGGED));
  });
  error = $state<string | null>(null);
  busy = $state(false);
  /** The amendments whose diffs are open, with them. */
  details = $state<Record<string, AmendmentDetail>>({});
  private stop: () => void;
  /** Events that came while the list was being read: applied again to what the read answers. */
  private duringRead: NegotiationEvent[] | null = null;
  /** The articles shown, by id: what the flags are derived against (not state: the flags are). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly texts = new Map<string, FollowedText>();

  readonly negotiationId: string;
  private readonly feed: NegotiationStream;
  private readonly reader: () => AmendmentReader;

  constructor(negotiationId: string, feed: NegotiationStream, reader: () => AmendmentReader) {
    this.negotiationId = negotiationId;
    this.feed = feed;
    this.reader = reader;
    this.stop = feed.on((events) => {
      this.duringRead?.push(...events);
      const next = applyAmendmentEvents(this.records, events);
      if (next.length === this.records.length && next.every((r, i) => r === this.records[i])) return;
      this.records = next;
      this.reflag();
    });
  }

  onArticle(articleId: string): AmendmentView[] {
    return this.list.filter((a) => a.articleId === articleId);
  }

  async load(): Promise<void> {
    this.duringRead = [];
    try {
      const views = await api<AmendmentView[]>('GET', `/negotiations/${encodeURIComponent(this.negotiationId)}/amendments`);
      this.flags = Object.fromEntries(views.map((v) => [v.id, { outdated: v.outdated, competing: v.competing }]));
      this.records = applyAmendmentEvents(views.map(recordOf), this.duringRead);
      this.reflag();
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.duringRead = null;
    }
  }

  /**
   * Derives the flags of the amendments on an article from its live text while it is shown,
   * again after each change of it (a burst of keystrokes makes one pass). Returns the stop.
   */
  follow(articleId: string, text: FollowedText): () => void {
    this.texts.set(articleId, text);
    let timer: ReturnType<typeof setTimeout> | null = null;
    const soon = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        this.reflag([articleId]);
      }, 100);
    };
    text.doc.on('update', soon);
    const stopSynced = text.onSynced(soon);
    this.reflag([articleId]);
    return () => {
      if (timer) clearTimeout(timer);
      text.doc.off('update', soon);
      stopSynced();
      if (this.texts.get(articleId) === text) this.texts.delete(articleId);
    };
  }

  /** The flags (and open diffs) of the amendments on the articles shown, against their text now. */
  private reflag(articleIds: Iterable<string> = this.texts.keys()): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local, read at once
    const live = new Map<string, LiveArticle>();
    for (const articleId of articleIds) {
      const text = this.texts.get(articleId);
      // Before the server's text has arrived the document is empty, or an old offline copy.
      if (!text || !text.synced()) continue;
      live.set(articleId, readLiveArticle(text.doc, this.records.filter((r) => r.articleId === articleId)));
    }
    if (live.size === 0) return;
    this.flags = { ...this.flags, ...Object.fromEntries(amendmentFlags(this.records, live)) };
    const open = this.list.filter((v) => this.details[v.id] && live.has(v.articleId));
    if (open.length > 0) {
      const details = { ...this.details };
      for (const view of open) details[view.id] = amendmentDetail(view, live.get(view.articleId)!.blocks);
      this.details = details;
    }
  }

  async showDiffs(id: string): Promise<void> {
    const view = this.list.find((v) => v.id === id);
    const text = view && this.texts.get(view.articleId);
    if (view && text?.synced()) {
      this.details = { ...this.details, [id]: amendmentDetail(view, readLiveArticle(text.doc, []).blocks) };
      return;
    }
    try {
      const detail = await api<AmendmentDetail>('GET', `/negotiations/${encodeURIComponent(this.negotiationId)}/amendments/${encodeURIComponent(id)}`);
      this.details = { ...this.details, [id]: detail };
    } catch (err) {
      this.error = describeError(err);
    }
  }

  hideDiffs(id: string): void {
    const { [id]: _hidden, ...rest } = this.details;
    this.details = rest;
  }

  private async run(fn: () => Promise<AmendmentView>): Promise<AmendmentView | null> {
    this.busy = true;
    this.error = null;
    try {
      const answer = await fn();
      // The command's own event changes the list (it may come before or after the answer); the
      // answer only adds an amendment the list lacks, never replaces a newer state of it.
      if (!this.records.some((r) => r.id === answer.id)) {
        this.flags = { ...this.flags, [answer.id]: { outdated: answer.outdated, competing: answer.competing } };
        this.records = [...this.records, recordOf(answer)];
        this.reflag();
      }
      return answer;
    } catch (err) {
      this.error = describeError(err);
      return null;
    } finally {
      this.busy = false;
    }
  }

  /** Writes a draft (seen by my delegation only) or tables it at once. */
  submit(input: AmendmentInput, table: boolean): Promise<AmendmentView | null> {
    return this.run(() => (table ? this.feed.command('amendment:table', { ...input }) : this.feed.command('amendment:draft', { ...input })));
  }

  act(amendmentId: string, transition: AmendmentTransition, options: { manual?: boolean } = {}): Promise<AmendmentView | null> {
    if (transition === 'merge') return this.run(() => this.feed.command('amendment:merge', { amendmentId, ...(options.manual ? { manual: true } : {}) }));
    return this.run(() => this.feed.command(COMMANDS[transition], { amendmentId }));
  }

  destroy(): void {
    this.stop();
    this.texts.clear();
  }
}
