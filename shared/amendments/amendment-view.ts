import type * as Y from 'yjs';
import {
  amendmentDiffs,
  competingAmendments,
  isOutdated,
  targetSpans,
  type AmendmentDetail,
  type AmendmentRecord,
  type AmendmentView,
  type Anchor,
  type Span,
} from './amendment.ts';
import { anchorSpan, joinBlocks, layoutOf, type ArticleLayout } from './article-layout.ts';
import { availableTransitions, type LifecycleActor } from './lifecycle.ts';

/**
 * What a reader sees of an amendment beyond its folded record: whether the text it targets
 * changed since it was written, which live amendments touch the same words, and what the
 * reader may do with it. The server answers its reads with these; the client keeps its
 * panel with the same functions, from the events and the live text it already holds, so a
 * change of text or of status is never a reason to read the list again.
 */

export interface AmendmentFlags {
  outdated: boolean;
  competing: string[];
}

/** An article as it reads now: its blocks, and where each amendment's anchor stands in them (null when lost). */
export interface LiveArticle {
  blocks: string[];
  spans: ReadonlyMap<string, Span | null>;
}

/** Reads an article document for the amendments written on it. */
export function readLiveArticle(
  doc: Y.Doc,
  amendments: readonly { id: string; anchor: Anchor | null }[],
  layout: ArticleLayout = layoutOf(doc),
): LiveArticle {
  return {
    blocks: layout.blocks,
    spans: new Map(amendments.map((a) => [a.id, a.anchor ? anchorSpan(doc, layout, a.anchor) : null])),
  };
}

type Flagged = Pick<AmendmentRecord, 'id' | 'articleId' | 'status' | 'content' | 'anchor' | 'base'>;

/**
 * The flags of the amendments on the articles `live` holds (an amendment on another article
 * gets none: its reader keeps what it had). Competition is among the amendments given, so
 * pass the reader's visible ones: a delegation's draft competes only for that delegation.
 */
export function amendmentFlags(amendments: readonly Flagged[], live: ReadonlyMap<string, LiveArticle>): Map<string, AmendmentFlags> {
  const known = amendments.filter((a) => live.has(a.articleId));
  const targets = new Map<string, Span[]>();
  for (const a of known) {
    const article = live.get(a.articleId)!;
    const span = article.spans.get(a.id) ?? null;
    targets.set(a.id, a.anchor && !span ? [] : targetSpans(article.blocks, a.content, span));
  }
  const competition = competingAmendments(known, targets);
  const flags = new Map<string, AmendmentFlags>();
  for (const a of known) {
    const article = live.get(a.articleId)!;
    const span = article.spans.get(a.id) ?? null;
    const anchoredNow = a.anchor ? (span ? joinBlocks(article.blocks).slice(span.start, span.end) : '') : null;
    flags.set(a.id, { outdated: isOutdated(a, article.blocks, anchoredNow), competing: competition.get(a.id) ?? [] });
  }
  return flags;
}

/** Who reads: the roles of their mandate and the organisation it is for. */
export interface AmendmentReader {
  roles: Extract<LifecycleActor, { roles: unknown }>['roles'];
  orgId: string;
}

/**
 * An amendment as `reader` sees it. Another organisation learns of an amendment when it is
 * tabled, not of its drafting: their history starts there.
 */
export function amendmentView(record: AmendmentRecord, reader: AmendmentReader, flags: AmendmentFlags): AmendmentView {
  const { visibility: _visibility, ...rest } = record;
  const mine = record.org.id === reader.orgId;
  const history = mine ? rest.history : rest.history.filter((h) => h.status !== 'draft');
  return {
    ...rest,
    history,
    createdAt: mine ? rest.createdAt : (history[0]?.at ?? rest.createdAt),
    outdated: flags.outdated,
    competing: flags.competing,
    actions: availableTransitions({ status: record.status, authorOrg: record.org.id }, reader),
  };
}

/** An amendment with its diffs against its base and against `current` (the article's blocks now). */
export function amendmentDetail(view: AmendmentView, current: string[]): AmendmentDetail {
  return { ...view, currentBlocks: current, ...amendmentDiffs(view.base.blocks, current, view.content) };
}
