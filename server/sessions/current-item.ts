import { amendmentItemLabel, articleLabel } from '../../shared/labels.ts';
import { foldAmendments } from '../../shared/amendments/amendment.fold.ts';
import { eventTypesOf } from '../../shared/events.ts';
import { toNegotiationEvent } from '../events/event-store.ts';
import type { EventDoc } from '../events/event.model.ts';
import type { AgendaHeading } from './calendar.ts';
import type { CurrentItemContent, CurrentItemView, SessionView } from '../../shared/sessions/session.ts';
import { currentItemView } from '../../shared/sessions/session-panels.fold.ts';
import { articleDocName, readBlocks } from '../../shared/structure.ts';
import { collabOf } from '../collab/collab.capability.ts';
import { eventModel } from '../events/event.model.ts';
import { articleModel } from '../negotiations/article.model.ts';
import { listVotes } from '../votes/vote.service.ts';
import { tableOrganisations, type SessionContext } from './session-context.ts';

export async function currentItem(ctx: SessionContext, session: SessionView): Promise<CurrentItemView> {
  const { organisations } = await tableOrganisations(ctx.db.connection, session.negotiationId);
  return currentItemView(session, organisations, await currentItemContent(ctx, session));
}

/**
 * What the session's current item shows beyond the session itself (shared/sessions/session-panels.fold.ts):
 * the answer of `…/current`, and what the events that make an item current carry to every page.
 */
export async function currentItemContent(ctx: SessionContext, session: SessionView): Promise<CurrentItemContent | null> {
  const { connection } = ctx.db;
  const item = session.currentIndex === null ? null : (session.agenda[session.currentIndex] ?? null);
  if (!item) return null;
  const content: CurrentItemContent = { heading: item.title ?? null, article: null, amendment: null, vote: null, text: null };
  switch (item.kind) {
    case 'article': {
      const article = await articleModel(connection).findOne({ negotiationId: session.negotiationId, articleId: item.articleId }).lean();
      if (!article) break;
      const blocks = await collabOf(ctx).store.withDoc(articleDocName(item.articleId), (doc) => readBlocks(doc));
      content.article = { number: article.number, title: article.title, blocks };
      content.heading = item.title ?? articleLabel(article);
      break;
    }
    case 'amendment': {
      // Folded from every amendment's events: its number is its place in the order of tabling.
      const amendment = (await tabledAmendments(connection, session.negotiationId)).find((a) => a.id === item.amendmentId);
      if (!amendment || amendment.status === 'draft') break;
      content.amendment = { org: amendment.org.shortName, formula: amendment.formula, justification: amendment.justification, status: amendment.status };
      // Named as the calendar and the session page name it.
      content.heading = item.title ?? amendmentItemLabel({ number: amendment.number, org: amendment.org.shortName }, amendment.target);
      break;
    }
    case 'vote': {
      const votes = (await listVotes(ctx, session.negotiationId)).filter((v) => v.sessionId === session.id || v.id === item.voteId);
      content.vote = votes.find((v) => v.id === item.voteId) ?? votes.filter((v) => v.title === item.title).at(-1) ?? votes.at(-1) ?? null;
      break;
    }
    case 'free':
      content.text = item.text;
      break;
  }
  return content;
}

/** The full names of a negotiation's agenda items, for the calendar: the article's number and title, the amendment's number, organisation and article. */
export async function agendaHeadings(ctx: Pick<SessionContext, 'db'>, negotiationId: string): Promise<AgendaHeading> {
  const { connection } = ctx.db;
  const articles = new Map((await articleModel(connection).find({ negotiationId }).lean()).map((a) => [a.articleId, a]));
  const tabled = await tabledAmendments(connection, negotiationId);
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

/** The committee's amendments (tabled or further on), folded from the log (the amendments' service would bring the whole app into the sessions' imports). */
async function tabledAmendments(connection: SessionContext['db']['connection'], negotiationId: string) {
  const events = await eventModel(connection)
    .find({ negotiationId, type: { $in: eventTypesOf('amendment') } })
    .sort({ seq: 1 })
    .lean();
  return foldAmendments(events.map((e) => toNegotiationEvent(e as EventDoc))).filter((a) => a.status !== 'draft' && a.visibility.scope === 'committee');
}
