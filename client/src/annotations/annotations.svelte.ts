import type { Anchor } from '../../../shared/amendments/amendment.ts';
import type { AnnotationView, AnnotationVisibility } from '../../../shared/annotations/annotation.ts';
import { applyAnnotationEvents } from '../../../shared/annotations/annotation.fold.ts';
import type { NegotiationEvent } from '../../../shared/events.ts';
import type { NegotiationStream } from '../lib/connection.svelte.ts';
import { api } from '../lib/api.ts';
import { describeError } from '../lib/errors.ts';

/**
 * The annotation threads the reader may see (the server filters every read and every
 * pushed event): read once over HTTP, then kept by the annotation events through the fold
 * the server uses (shared/annotations/annotation.fold.ts); searched on the server.
 */
export class Annotations {
  list = $state<AnnotationView[]>([]);
  results = $state<AnnotationView[] | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
  private stop: () => void;
  /** Events that came while the list was being read: applied again to what the read answers. */
  private duringRead: NegotiationEvent[] | null = null;

  readonly negotiationId: string;
  private readonly feed: NegotiationStream;

  constructor(
    negotiationId: string,
    feed: NegotiationStream,
  ) {
    this.negotiationId = negotiationId;
    this.feed = feed;
    this.stop = feed.on((events) => {
      this.duringRead?.push(...events);
      this.list = applyAnnotationEvents(this.list, events);
    });
  }

  private get base(): string {
    return `/negotiations/${encodeURIComponent(this.negotiationId)}/annotations`;
  }

  onArticle(articleId: string): AnnotationView[] {
    return this.list.filter((a) => a.articleId === articleId);
  }

  async load(): Promise<void> {
    this.duringRead = [];
    try {
      const list = await api<AnnotationView[]>('GET', this.base);
      this.list = applyAnnotationEvents(list, this.duringRead);
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.duringRead = null;
    }
  }

  async search(q: string): Promise<void> {
    if (!q.trim()) {
      this.results = null;
      return;
    }
    try {
      this.results = await api<AnnotationView[]>('GET', `${this.base}?q=${encodeURIComponent(q.trim())}`);
    } catch (err) {
      this.error = describeError(err);
    }
  }

  private async run(send: () => Promise<AnnotationView>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      const answer = await send();
      // The command's own event changes the list (before or after the answer); the answer only
      // adds a thread the list lacks, never replaces a newer state of it.
      if (!this.list.some((a) => a.id === answer.id)) this.list = [...this.list, answer];
      return true;
    } catch (err) {
      this.error = describeError(err);
      return false;
    } finally {
      this.busy = false;
    }
  }

  create(articleId: string, anchor: Anchor, body: string, visibility: AnnotationVisibility): Promise<boolean> {
    return this.run(() => this.feed.command('annotation:create', { articleId, anchor, body, visibility }));
  }

  reply(annotationId: string, body: string): Promise<boolean> {
    return this.run(() => this.feed.command('annotation:reply', { annotationId, body }));
  }

  setResolved(annotationId: string, resolved: boolean): Promise<boolean> {
    return this.run(() => this.feed.command(resolved ? 'annotation:resolve' : 'annotation:reopen', { annotationId }));
  }

  destroy(): void {
    this.stop();
  }
}
