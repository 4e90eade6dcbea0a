import { amendmentItemLabel, articleLabel, articleReference } from '../../shared/labels.ts';
import { foldAmendments } from '../../shared/amendments/amendment.fold.ts';
import { eventTypesOf } from '../../shared/events.ts';
import { toNegotiationEvent } from '../events/event-store.ts';
import type { EventDoc } from '../events/event.model.ts';
import type { AgendaHeading } from './calendar.ts';
import type { CurrentItemView, SessionView } from '../../shared/sessions/session.ts';
import { articleDocName, readBlocks } from '../../shared/structure.ts';
import { collabOf } from '../collab/collab.capability.ts';
import { eventModel } from '../events/event.model.ts';
import { articleModel } from '../negotiations/article.model.ts';
import { listVotes } from '../votes/vote.service.ts';
import { attendanceLines } from '../../shared/sessions/minutes.ts';
import { tableOrganisations, type SessionContext } from './session.service.ts';

export async function currentItem(ctx: SessionContext, session: SessionView): Promise<CurrentItemView> {
  const { connection } = ctx.db;
  const index = session.currentIndex;
  const item = index === null ? null : (session.agenda[index] ?? null);
  const view: CurrentItemView = {
    session: { id: session.id, title: session.title, status: session.status, startsAt: session.startsAt },
    index,
    total: session.agenda.length,
    item,
    heading: item?.title ?? null,
    article: null,
    amendment: null,
    vote: null,
    text: null,
    attendance: attendanceLines((await tableOrganisations(connection, session.negotiationId)).organisations, session),
    observers: session.observers,
    speakers: index === null ? [] : (session.speakers[index] ?? []),
  };
  if (!item) return view;
  switch (item.kind) {
    case 'article': {
      const article = await articleModel(connection).findOne({ negotiationId: session.negotiationId, articleId: item.articleId }).lean();
      if (!article) break;
      const blocks = await collabOf(ctx).store.withDoc(articleDocName(item.articleId), (doc) => readBlocks(doc));
      view.article = { number: article.number, title: article.title, blocks };
      view.heading = item.title ?? articleLabel(article);
      break;
    }
    case 'amendment': {
      const events = await eventModel(connection)
        .find({ negotiationId: session.negotiationId, 'payload.amendmentId': item.amendmentId, 'visibility.scope': 'committee' })
        .sort({ seq: 1 })
        .lean();
      const tabled = events.find((e) => e.type === 'amendment:tabled')?.payload as
        | { org: { shortName: string }; formula: string; justification: string; target: { number: string } }
        | undefined;
      if (!tabled) break;
      // The amendment's own fold says where it stands (the last event of the item may be a vote's).
      const status = foldAmendments(events.map((e) => toNegotiationEvent(e as EventDoc))).find((a) => a.id === item.amendmentId)?.status ?? 'tabled';
      view.amendment = { org: tabled.org.shortName, formula: tabled.formula, justification: tabled.justification, status };
      view.heading = item.title ?? `Amendement de la délégation ${tabled.org.shortName} – ${articleReference(tabled.target.number)}`;
      break;
    }
    case 'vote': {
      const votes = (await listVotes(ctx, session.negotiationId)).filter((v) => v.sessionId === session.id || v.id === item.voteId);
      view.vote = votes.find((v) => v.id === item.voteId) ?? votes.filter((v) => v.title === item.title).at(-1) ?? votes.at(-1) ?? null;
      break;
    }
    case 'free':
      view.text = item.text;
      break;
  }
  return view;
}

/** The full names of a negotiation's agenda items, for the calendar: the article's number and title, the amendment's number, organisation and article. */
export async function agendaHeadings(ctx: Pick<SessionContext, 'db'>, negotiationId: string): Promise<AgendaHeading> {
  const { connection } = ctx.db;
  const articles = new Map((await articleModel(connection).find({ negotiationId }).lean()).map((a) => [a.articleId, a]));
  // Folded from the log here (the amendments' service would bring the whole app into the sessions' imports).
  const events = await eventModel(connection)
    .find({ negotiationId, type: { $in: eventTypesOf('amendment') } })
    .sort({ seq: 1 })
    .lean();
  const tabled = foldAmendments(events.map((e) => toNegotiationEvent(e as EventDoc))).filter((a) => a.status !== 'draft' && a.visibility.scope === 'committee');
  const amendments = new Map(tabled.map((a) => [a.id, a]));
  return (item) => {
    if (item.kind === 'article') {
      const article = articles.get(item.articleId);
      return article ? articleLabel(article) : null;
    }
    if (item.kind === 'amendment') {
      const amendment = amendments.get(item.amendmentId);
      return amendment ? amendmentItemLabel({ number: amendment.number, org: amendment.org.shortName }, amendment.target) : null;
    }
    return null;
  };
}
