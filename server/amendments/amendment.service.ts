import type { Connection } from 'mongoose';
import * as Y from 'yjs';
import type { z } from 'zod';
import {
  applyToBlocks,
  occurrences,
  type AmendmentBase,
  type AmendmentDetail,
  type AmendmentMerged,
  type AmendmentRecord,
  type AmendmentStep,
  type AmendmentWritten,
  type AmendmentView,
  type Anchor,
  type DraftAmendmentSchema,
  type MergeAmendmentSchema,
  type TableAmendmentSchema,
} from '../../shared/amendments/amendment.ts';
import { amendmentFormula, type AmendmentContent } from '../../shared/amendments/formula.ts';
import {
  checkTransition,
  type AmendmentTransition,
  type LifecycleActor,
} from '../../shared/amendments/lifecycle.ts';
import { foldAmendments } from '../../shared/amendments/amendment.fold.ts';
import { COMMITTEE, eventTypesOf, type NegotiationEvent, type Visibility } from '../../shared/events.ts';
import { canSee } from '../../shared/visibility.ts';
import { articleDocName } from '../../shared/structure.ts';
import type { AppContext } from '../app.ts';
import { assertCanFor, viewerOf, type Actor } from '../access/access.service.ts';
import { AppError } from '../common/app-error.ts';
import { collabOf } from '../collab/collab.capability.ts';
import { stampOf, SYSTEM, type RecordDraft } from '../events/event-log.ts';
import { eventModel, type EventDoc } from '../events/event.model.ts';
import { toNegotiationEvent } from '../events/event-store.ts';
import { articleModel } from '../negotiations/article.model.ts';
import { createVersion } from '../versions/versions.service.ts';
import { anchorSpan, layoutOf, spanText, type ArticleLayout } from '../../shared/amendments/article-layout.ts';
import { amendmentDetail, amendmentFlags, amendmentView, readLiveArticle, type LiveArticle } from '../../shared/amendments/amendment-view.ts';
import { toBase64 } from './article-text.ts';
import { applyToLiveText, MergeConflict } from './merge.ts';
import type { ItemRun } from '../../shared/versions/authorship.ts';
import { mergeVersionName } from '../../shared/labels.ts';

export type AmendmentContext = Pick<AppContext, 'db' | 'events' | 'logger'>;
/** What writing an amendment needs besides the reads: the time it is written at, new ids. */
export type AmendmentCommandContext = AmendmentContext & Pick<AppContext, 'clock' | 'ids'>;

// Amendment commands of one negotiation run one at a time in this process (`ctx.events.serialize`):
// a merge never races an adoption or a second merge of the same amendment.

const person = (actor: Actor) => ({ userId: actor.user.id, name: actor.user.name });
const lifecycleActor = (actor: Actor): LifecycleActor => ({ roles: actor.roles, orgId: actor.org.id });

/** Every amendment of the negotiation, folded from the log (all of them: callers filter by visibility). */
async function records(connection: Connection, negotiationId: string): Promise<AmendmentRecord[]> {
  const docs = await eventModel(connection)
    .find({ negotiationId, type: { $in: eventTypesOf('amendment') } })
    .sort({ seq: 1 })
    .lean();
  return foldAmendments(docs.map((d) => toNegotiationEvent(d as EventDoc)));
}

/**
 * Every tabled amendment of the negotiation (any status but draft: what the whole
 * committee sees), in the order of their numbers.
 */
export async function tabledAmendments(connection: Connection, negotiationId: string): Promise<AmendmentRecord[]> {
  return (await records(connection, negotiationId))
    .filter((r) => r.status !== 'draft' && r.visibility.scope === 'committee')
    .sort((a, b) => (a.number ?? 0) - (b.number ?? 0));
}

/** One tabled amendment, for the capabilities that speak about amendments (votes, positions); NOT_FOUND otherwise. */
export async function tabledAmendment(connection: Connection, negotiationId: string, amendmentId: string): Promise<AmendmentRecord> {
  const record = (await tabledAmendments(connection, negotiationId)).find((r) => r.id === amendmentId);
  if (!record) throw new AppError('NOT_FOUND', 'Amendement introuvable.');
  return record;
}

/** One amendment the actor may see; NOT_FOUND otherwise (another delegation's draft does not exist for them). */
async function visibleRecord(ctx: AmendmentContext, actor: Actor, amendmentId: string): Promise<AmendmentRecord> {
  const record = (await records(ctx.db.connection, actor.negotiationId)).find((r) => r.id === amendmentId);
  if (!record || !canSee(viewerOf(actor), record.visibility)) throw new AppError('NOT_FOUND', 'Amendement introuvable.');
  return record;
}

async function articleOf(ctx: AmendmentContext, negotiationId: string, articleId: string) {
  const article = await articleModel(ctx.db.connection).findOne({ negotiationId, articleId }).lean();
  if (!article) throw new AppError('NOT_FOUND', 'Article introuvable dans cette négociation.');
  return article;
}

function readArticle<T>(ctx: AmendmentContext, articleId: string, fn: (doc: Y.Doc, layout: ArticleLayout) => T): Promise<T> {
  return collabOf(ctx).store.withDoc(articleDocName(articleId), (doc) => fn(doc, layoutOf(doc)));
}

/** The article as it is now, recorded as the base an amendment is written against. */
async function recordBase(ctx: AmendmentCommandContext, articleId: string, content: AmendmentContent, anchor: Anchor | null): Promise<AmendmentBase> {
  return readArticle(ctx, articleId, (doc, layout) => {
    let quote: string | null = null;
    if (anchor) {
      const span = anchorSpan(doc, layout, anchor);
      if (!span) throw new AppError('BAD_REQUEST', 'Le passage visé est introuvable dans cet article.');
      quote = spanText(layout, span);
    }
    if (applyToBlocks(layout.blocks, content) === null) {
      throw new AppError('UNPROCESSABLE', 'L’amendement ne s’applique pas au texte actuel de l’article (mots ou alinéa introuvables).');
    }
    return {
      blocks: layout.blocks,
      quote,
      stateVector: toBase64(Y.encodeStateVector(doc)),
      snapshot: toBase64(Y.encodeSnapshot(Y.snapshot(doc))),
      at: ctx.clock.now().toISOString(),
    };
  });
}

type DraftInput = Omit<z.infer<typeof DraftAmendmentSchema>, 'negotiationId'>;

async function writtenPayload(ctx: AmendmentCommandContext, actor: Actor, amendmentId: string, input: DraftInput): Promise<AmendmentWritten> {
  // One organisation speaks with one voice: an amendment is only ever written in one's own name.
  assertCanFor(actor, 'amendment:table', input.org ?? actor.org.id);
  const article = await articleOf(ctx, actor.negotiationId, input.articleId);
  const target = { number: article.number, kind: article.kind === 'preamble' ? ('preamble' as const) : ('article' as const), title: article.title };
  return {
    amendmentId,
    articleId: input.articleId,
    target,
    org: { id: actor.org.id, shortName: actor.org.shortName },
    author: person(actor),
    content: input.content,
    justification: input.justification,
    anchor: input.anchor,
    formula: amendmentFormula(target, input.content),
    base: await recordBase(ctx, input.articleId, input.content, input.anchor),
  };
}

const delegationOf = (actor: Actor): Visibility => ({ scope: 'delegation', org: actor.org.id });

/** A delegation writes (or revises) a draft: seen by that delegation only. */
export async function draftAmendment(ctx: AmendmentCommandContext, actor: Actor, input: z.infer<typeof DraftAmendmentSchema>): Promise<AmendmentView> {
  const { negotiationId } = actor;
  return ctx.events.serialize(negotiationId, async () => {
    let amendmentId = ctx.ids.newId();
    if (input.amendmentId) {
      const existing = await visibleRecord(ctx, actor, input.amendmentId);
      if (existing.status !== 'draft') throw new AppError('CONFLICT', 'Seul un projet d’amendement peut être modifié.');
      if (existing.org.id !== actor.org.id) throw new AppError('FORBIDDEN', 'Seule l’organisation qui a rédigé l’amendement peut le modifier.');
      amendmentId = existing.id;
    }
    const payload = await writtenPayload(ctx, actor, amendmentId, input);
    await record(ctx, actor, [{ type: 'amendment:drafted', payload, visibility: delegationOf(actor) }]);
    return getAmendmentView(ctx, actor, amendmentId);
  });
}

/** Tables a draft, or writes and tables an amendment at once: from now on the whole committee sees it. */
export async function tableAmendment(ctx: AmendmentCommandContext, actor: Actor, input: z.infer<typeof TableAmendmentSchema>): Promise<AmendmentView> {
  const { negotiationId } = actor;
  return ctx.events.serialize(negotiationId, async () => {
    let payload: AmendmentWritten;
    if ('amendmentId' in input) {
      const draft = await visibleRecord(ctx, actor, input.amendmentId);
      assertTransition(draft, 'table', lifecycleActor(actor));
      // Re-read against the text as it is now: the base is the text at tabling time.
      payload = await writtenPayload(ctx, actor, draft.id, {
        articleId: draft.articleId,
        content: draft.content,
        justification: draft.justification,
        anchor: draft.anchor,
      });
      payload.author = draft.author;
    } else {
      payload = await writtenPayload(ctx, actor, ctx.ids.newId(), input);
    }
    await record(ctx, actor, [{ type: 'amendment:tabled', payload, visibility: COMMITTEE }]);
    ctx.logger.info({ negotiationId, actor: actor.user.id, org: actor.org.id, amendmentId: payload.amendmentId }, 'amendment tabled');
    return getAmendmentView(ctx, actor, payload.amendmentId);
  });
}

function assertTransition(amendment: AmendmentRecord, transition: AmendmentTransition, actor: LifecycleActor): void {
  const check = checkTransition({ status: amendment.status, authorOrg: amendment.org.id }, transition, actor);
  if (!check.ok) throw new AppError(check.reason === 'forbidden' ? 'FORBIDDEN' : 'CONFLICT', check.message);
}

function record(ctx: AmendmentContext, actor: Actor, drafts: RecordDraft[]): Promise<NegotiationEvent[]> {
  return ctx.events.record(actor.negotiationId, stampOf(actor), drafts);
}

const STEP_EVENTS = {
  discuss: 'amendment:discussed',
  adopt: 'amendment:adopted',
  reject: 'amendment:rejected',
  withdraw: 'amendment:withdrawn',
} as const;

/** Puts under discussion, declares adopted or rejected (secretariat, chair), or withdraws (the author organisation). */
export async function moveAmendment(
  ctx: AmendmentCommandContext,
  actor: Actor,
  transition: 'discuss' | 'adopt' | 'reject' | 'withdraw',
  input: { amendmentId: string; merge?: boolean },
): Promise<AmendmentView> {
  const { negotiationId } = actor;
  return ctx.events.serialize(negotiationId, async () => {
    const amendment = await visibleRecord(ctx, actor, input.amendmentId);
    assertTransition(amendment, transition, lifecycleActor(actor));
    // A draft withdrawn stays the delegation's business.
    const visibility = amendment.status === 'draft' ? amendment.visibility : COMMITTEE;
    const payload: AmendmentStep = { amendmentId: amendment.id, by: person(actor) };
    await record(ctx, actor, [{ type: STEP_EVENTS[transition], payload, visibility }]);
    if (transition === 'adopt' && input.merge) {
      const adopted = { ...amendment, status: 'adopted' as const };
      await mergeNow(ctx, actor, adopted, { automatic: true, manual: false }).catch((err: unknown) => {
        if (!(err instanceof MergeConflict)) throw err;
        ctx.logger.info({ negotiationId, amendmentId: amendment.id }, 'adopted amendment left for the pen-holder: target changed');
      });
    }
    return getAmendmentView(ctx, actor, amendment.id);
  });
}

/** The pen-holder merges an adopted amendment into the live text (or records a merge made by hand). */
export async function mergeAmendment(ctx: AmendmentCommandContext, actor: Actor, input: z.infer<typeof MergeAmendmentSchema>): Promise<AmendmentView> {
  const { negotiationId } = actor;
  return ctx.events.serialize(negotiationId, async () => {
    const amendment = await visibleRecord(ctx, actor, input.amendmentId);
    assertTransition(amendment, 'merge', lifecycleActor(actor));
    try {
      await mergeNow(ctx, actor, amendment, { automatic: false, manual: input.manual });
    } catch (err) {
      if (err instanceof MergeConflict) throw new AppError('CONFLICT', err.message);
      throw err;
    }
    return getAmendmentView(ctx, actor, amendment.id);
  });
}

/**
 * Applies the amendment to the live text in one Yjs transaction (connected editors see it
 * at once), takes a version of kind `merge`, then records the merge. `automatic`: the
 * system does it on adoption, only when the target still reads as it did.
 */
async function mergeNow(
  ctx: AmendmentCommandContext,
  actor: Actor,
  amendment: AmendmentRecord,
  how: { automatic: boolean; manual: boolean },
): Promise<void> {
  const lifecycle: LifecycleActor = how.automatic ? 'system' : lifecycleActor(actor);
  assertTransition(amendment, 'merge', lifecycle);
  const collab = collabOf(ctx);
  let runs: ItemRun[] = [];
  if (!how.manual) {
    runs = await applyToLiveText(
      { connection: ctx.db.connection, store: collab.store, metadata: collab.metadata, ids: ctx.ids },
      actor.negotiationId,
      amendment,
      { strict: how.automatic },
    );
  }
  const by = how.automatic ? SYSTEM : stampOf(actor);
  const version = await createVersion(
    { connection: ctx.db.connection, store: collab.store, events: ctx.events, clock: ctx.clock, ids: ctx.ids },
    {
      negotiationId: actor.negotiationId,
      name: mergeVersionName({ org: amendment.org.shortName }, amendment.target),
      reason: amendment.formula,
      kind: 'merge',
      author: how.automatic ? { userId: 'system', name: 'Système', org: null } : { ...person(actor), org: actor.org.shortName },
      by,
    },
  );
  const payload: AmendmentMerged = {
    amendmentId: amendment.id,
    by: how.automatic ? 'system' : person(actor),
    versionId: version.id,
    automatic: how.automatic,
    manual: how.manual,
    ...(runs.length > 0 ? { passage: { articleId: amendment.articleId, number: amendment.number, org: amendment.org.shortName, runs } } : {}),
  };
  await ctx.events.record(actor.negotiationId, by, [{ type: 'amendment:merged', payload }]);
  ctx.logger.info({ negotiationId: actor.negotiationId, actor: actor.user.id, amendmentId: amendment.id, version: version.id }, 'amendment merged');
}

// --- Reads -------------------------------------------------------------------------------

/** Reads the live text of each article the amendments are on. */
async function liveArticles(ctx: AmendmentContext, visible: AmendmentRecord[]): Promise<Map<string, LiveArticle>> {
  const live = new Map<string, LiveArticle>();
  for (const articleId of new Set(visible.map((r) => r.articleId))) {
    const onArticle = visible.filter((r) => r.articleId === articleId);
    live.set(articleId, await readArticle(ctx, articleId, (doc, layout) => readLiveArticle(doc, onArticle, layout)));
  }
  return live;
}

/** The visible amendments as the actor sees them, flagged against the live text (shared/amendments/amendment-view.ts). */
async function derive(ctx: AmendmentContext, actor: Actor, visible: AmendmentRecord[]): Promise<{ views: AmendmentView[]; live: Map<string, LiveArticle> }> {
  const live = await liveArticles(ctx, visible);
  const flags = amendmentFlags(visible, live);
  const reader = { roles: actor.roles, orgId: actor.org.id };
  return { views: visible.map((r) => amendmentView(r, reader, flags.get(r.id)!)), live };
}

async function visibleRecords(ctx: AmendmentContext, actor: Actor): Promise<AmendmentRecord[]> {
  const viewer = viewerOf(actor);
  return (await records(ctx.db.connection, actor.negotiationId)).filter((r) => canSee(viewer, r.visibility));
}

export interface AmendmentFilter {
  articleId?: string;
  status?: string;
}

/** The amendments the actor may see, with their derived flags, in the order they were written. */
export async function listAmendments(ctx: AmendmentContext, actor: Actor, filter: AmendmentFilter = {}): Promise<AmendmentView[]> {
  const { views } = await derive(ctx, actor, await visibleRecords(ctx, actor));
  return views.filter((v) => (!filter.articleId || v.articleId === filter.articleId) && (!filter.status || v.status === filter.status));
}

/** One amendment as the lists show it (a command's answer). */
export async function getAmendmentView(ctx: AmendmentContext, actor: Actor, amendmentId: string): Promise<AmendmentView> {
  const view = (await listAmendments(ctx, actor)).find((v) => v.id === amendmentId);
  if (!view) throw new AppError('NOT_FOUND', 'Amendement introuvable.');
  return view;
}

/** One amendment with its diffs against its base and against the current text. */
export async function getAmendment(ctx: AmendmentContext, actor: Actor, amendmentId: string): Promise<AmendmentDetail> {
  const visible = await visibleRecords(ctx, actor);
  if (!visible.some((r) => r.id === amendmentId)) throw new AppError('NOT_FOUND', 'Amendement introuvable.');
  const { views, live } = await derive(ctx, actor, visible);
  const view = views.find((v) => v.id === amendmentId)!;
  return amendmentDetail(view, live.get(view.articleId)!.blocks);
}

/** For tests and the merge rule: how often words occur in the live article. */
export async function liveOccurrences(ctx: AmendmentContext, articleId: string, words: string): Promise<number> {
  return readArticle(ctx, articleId, (_doc, layout) => occurrences(layout.blocks, words).length);
}
