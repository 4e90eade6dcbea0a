import type { EventPayload, EventType, NegotiationEvent } from '../../../shared/events.ts';
import { isEventType } from '../../../shared/events.ts';
import { stanceKey } from '../positions/stance.ts';
import { formatNumber } from '../lib/format.ts';
import { translate, type Locale, type MessageKey } from '../lib/i18n.svelte.ts';
import type { Params } from '../lib/messages.ts';

/** What a sentence needs besides the event: the organisations' names, the language. */
export interface SentenceContext {
  locale: Locale;
  /** An organisation's short name by its id ('' when unknown). */
  orgName: (id: string | null | undefined) => string;
}

type ParamsOf<K extends EventType> = (payload: EventPayload<K>, event: NegotiationEvent<K>, ctx: SentenceContext) => Params;

/**
 * The words each event type's sentence is filled with. A mapped type over the catalogue: an
 * event type added to shared/events.ts without its entry here (and its sentence in
 * activity/messages.ts, in both languages) fails the type check.
 */
const PARAMS: { [K in EventType]: ParamsOf<K> } = {
  'amendment:drafted': (p, e, c) => ({ org: p.org?.shortName ?? actor(e, c) }),
  'amendment:tabled': (p, e, c) => ({ org: p.org?.shortName ?? actor(e, c) }),
  'amendment:discussed': () => ({}),
  'amendment:adopted': () => ({}),
  'amendment:rejected': () => ({}),
  'amendment:withdrawn': (_, e, c) => ({ org: actor(e, c) }),
  'amendment:merged': () => ({}),
  'annotation:created': (_, e, c) => ({ org: actor(e, c) }),
  'annotation:replied': (_, e, c) => ({ org: actor(e, c) }),
  'annotation:resolved': (p, e, c) => ({ name: p.by?.name ?? actor(e, c) }),
  'annotation:reopened': (p, e, c) => ({ name: p.by?.name ?? actor(e, c) }),
  'article:added': (p) => ({ number: p.number, title: p.title }),
  'article:edited': () => ({}),
  'article:moved': () => ({}),
  'article:deleted': () => ({}),
  'articles:renumbered': (p) => ({ count: Object.keys(p.renumbered ?? {}).length }),
  'article:status-changed': (p, _, c) => ({ number: p.number, status: translate(c.locale, `article.${p.to}` as MessageKey) }),
  'member:joined': (p, e, c) => ({ name: p.name, org: c.orgName(p.organisationId) || actor(e, c) }),
  'member:roles-changed': (p, e, c) => ({ org: c.orgName(p.organisationId) || actor(e, c) }),
  'member:revoked': (p, e, c) => ({ org: c.orgName(p.organisationId) || actor(e, c) }),
  'member:suspended': (p, e, c) => ({ org: c.orgName(p.organisationId) || actor(e, c) }),
  'member:reinstated': (p, e, c) => ({ org: c.orgName(p.organisationId) || actor(e, c) }),
  'member:lead-invited': (p, _, c) => ({ org: p.organisation || c.orgName(p.organisationId) }),
  'invitation:sent': (p, e, c) => ({ email: p.email, org: c.orgName(p.organisationId) || actor(e, c) }),
  'invitation:cancelled': (p, e, c) => ({ org: c.orgName(p.organisationId) || actor(e, c) }),
  'invitation:accepted': (p, e, c) => ({ name: p.member.user.name, org: p.member.organisation.shortName || c.orgName(p.organisationId) || actor(e, c) }),
  'position:declared': (p, e, c) => ({ org: p.orgShortName || actor(e, c), stance: translate(c.locale, stanceKey(p.stance)).toLocaleLowerCase(c.locale) }),
  'session:convened': (p) => ({ title: p.title }),
  'session:agenda-updated': () => ({}),
  'session:speakers-updated': () => ({}),
  'session:attendance-recorded': () => ({}),
  'session:opened': () => ({}),
  'session:item-changed': (p) => ({ number: (p.index ?? 0) + 1 }),
  'session:closed': () => ({}),
  'minutes:drafted': () => ({}),
  'minutes:circulated': () => ({}),
  'minutes:approved': () => ({}),
  'session:cancelled': () => ({}),
  'signature:opened': (p) => ({ title: p.title }),
  'recommendation:adopted': (p) => ({ title: p.title }),
  'signature:signed': (p, e, c) => ({ org: c.orgName(p.org) || actor(e, c) }),
  'signature:closed': (p, _, c) => ({ outcome: translate(c.locale, `activity.outcome.${p.outcome}`) }),
  'agreement:notified': (p, e, c) => ({ org: c.orgName(p.org) || actor(e, c) }),
  'opposition:filed': (p, e, c) => ({ org: c.orgName(p.org) || actor(e, c) }),
  'referendum:recorded': (p, _, c) => ({ result: translate(c.locale, p.approved ? 'activity.referendum.approved' : 'activity.referendum.rejected') }),
  'agreement:voided': (p, _, c) => ({
    why: translate(c.locale, `activity.voided.${p.ground ?? 'majority opposition'}`, { weight: formatNumber(p.oppositionWeight, 2, c.locale) }),
  }),
  'agreement:validated': (p, _, c) => ({ why: translate(c.locale, `activity.validated.${p.ground ?? 'no majority opposition'}`) }),
  'agreement:transitioned': (p, _, c) => ({ status: translate(c.locale, `status.${p.to}`) }),
  'version:created': (p) => ({ name: p.name }),
  'vote:opened': (p) => ({ title: p.title }),
  'ballot:cast': (p, e, c) => ({ org: c.orgName(p.org) || actor(e, c) }),
  'vote:closed': (p, _, c) => ({ outcome: translate(c.locale, p.result?.adopted ? 'activity.outcome.adopted' : 'activity.outcome.rejected') }),
};

/** Who acted, as the committee names them: their organisation, the system, or « a member ». */
function actor(event: NegotiationEvent, ctx: SentenceContext): string {
  if (event.actor === 'system') return translate(ctx.locale, 'activity.system');
  return ctx.orgName(event.org) || translate(ctx.locale, 'activity.someone');
}

/** An event of the log as a sentence of the activity feed: « CGT a déposé une opposition ». */
export function activitySentence(event: NegotiationEvent, ctx: SentenceContext): string {
  // A newer server may send a type this client does not know yet: say something, never the code.
  if (!isEventType(event.type)) return translate(ctx.locale, 'activity.other');
  const params = (PARAMS[event.type] as ParamsOf<EventType>)(event.payload ?? {}, event, ctx);
  return translate(ctx.locale, `activity.event.${event.type}`, params);
}
