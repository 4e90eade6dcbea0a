import type { AmendmentMerged, AmendmentStep, AmendmentWritten } from './amendments/amendment.ts';
import type { AnnotationCreatedPayload, AnnotationRepliedPayload, AnnotationStatePayload } from './annotations/annotation.ts';
import type {
  InvitationAcceptedPayload,
  InvitationCancelledPayload,
  InvitationSentPayload,
  LeadInvitedPayload,
  MandateChangedPayload,
  MandateSuspensionPayload,
  MemberJoinedPayload,
} from './identity.ts';
import type { PositionDeclaredPayload } from './positions/position.ts';
import type {
  AgendaUpdatedPayload,
  AttendanceRecordedPayload,
  ItemChangedPayload,
  MinutesPayload,
  SpeakersUpdatedPayload,
  SessionCancelledPayload,
  SessionClosedPayload,
  SessionConvenedPayload,
  SessionOpenedPayload,
} from './sessions/session.ts';
import type {
  CampaignOpenedPayload,
  NotifiedPayload,
  OpposedPayload,
  ReferendumRecordedPayload,
  SignatureClosedPayload,
  SignedPayload,
  TransitionedPayload,
  ValidatedPayload,
  VoidedPayload,
} from './signature/campaign.ts';
import type {
  ArticleAddedPayload,
  ArticleDeletedPayload,
  ArticleEditedPayload,
  ArticlesRenumberedPayload,
  ArticleStatusChangedPayload,
} from './structure.ts';
import type { VersionKind } from './text-diff.ts';
import type { Visibility } from './visibility.ts';
import type { BallotCastPayload, VoteClosedPayload, VoteOpenedPayload } from './votes/vote.ts';

export { COMMITTEE, VisibilitySchema, type Visibility } from './visibility.ts';

/**
 * THE event catalogue: every domain event the negotiation's log holds, with the type of its
 * payload and the read model ("stream") it belongs to. It is the only list of event types:
 * the server records only these (checked by the compiler), the folds and the client
 * switch on them, and a new event is added here, at the end of its stream.
 *
 * Names are `entity:verb` in the past tense (`amendment:tabled`).
 */

/** The read models events are folded into; each event belongs to one. */
export type Stream = 'amendment' | 'annotation' | 'article' | 'campaign' | 'member' | 'position' | 'session' | 'version' | 'vote';

/** One entry of the catalogue: its stream at run time, its payload type at compile time. */
export interface EventSpec<P, S extends Stream = Stream> {
  readonly stream: S;
  /** Never set: carries the payload type. */
  readonly payloadType: P;
}

/** The entries of one stream: `vote<VoteOpenedPayload>()`. */
const entriesOf =
  <S extends Stream>(stream: S) =>
  <P>(): EventSpec<P, S> =>
    ({ stream }) as EventSpec<P, S>;
const amendment = entriesOf('amendment');
const annotation = entriesOf('annotation');
const article = entriesOf('article');
const campaign = entriesOf('campaign');
const member = entriesOf('member');
const position = entriesOf('position');
const session = entriesOf('session');
const version = entriesOf('version');
const vote = entriesOf('vote');

export const EVENTS = {
  'amendment:drafted': amendment<AmendmentWritten>(),
  'amendment:tabled': amendment<AmendmentWritten>(),
  'amendment:discussed': amendment<AmendmentStep>(),
  'amendment:adopted': amendment<AmendmentStep>(),
  'amendment:rejected': amendment<AmendmentStep>(),
  'amendment:withdrawn': amendment<AmendmentStep>(),
  'amendment:merged': amendment<AmendmentMerged>(),

  'annotation:created': annotation<AnnotationCreatedPayload>(),
  'annotation:replied': annotation<AnnotationRepliedPayload>(),
  'annotation:resolved': annotation<AnnotationStatePayload>(),
  'annotation:reopened': annotation<AnnotationStatePayload>(),

  'article:added': article<ArticleAddedPayload>(),
  'article:edited': article<ArticleEditedPayload>(),
  'article:moved': article<ArticleEditedPayload>(),
  'article:deleted': article<ArticleDeletedPayload>(),
  'articles:renumbered': article<ArticlesRenumberedPayload>(),
  'article:status-changed': article<ArticleStatusChangedPayload>(),

  'member:joined': member<MemberJoinedPayload>(),
  'member:roles-changed': member<MandateChangedPayload>(),
  'member:revoked': member<MandateChangedPayload>(),
  'member:suspended': member<MandateSuspensionPayload>(),
  'member:reinstated': member<MandateSuspensionPayload>(),
  'member:lead-invited': member<LeadInvitedPayload>(),
  'invitation:sent': member<InvitationSentPayload>(),
  'invitation:cancelled': member<InvitationCancelledPayload>(),
  'invitation:accepted': member<InvitationAcceptedPayload>(),

  'position:declared': position<PositionDeclaredPayload>(),

  'session:convened': session<SessionConvenedPayload>(),
  'session:agenda-updated': session<AgendaUpdatedPayload>(),
  'session:attendance-recorded': session<AttendanceRecordedPayload>(),
  'session:opened': session<SessionOpenedPayload>(),
  'session:item-changed': session<ItemChangedPayload>(),
  'session:closed': session<SessionClosedPayload>(),
  'minutes:drafted': session<MinutesPayload>(),
  'minutes:circulated': session<MinutesPayload>(),
  'minutes:approved': session<MinutesPayload>(),
  'session:cancelled': session<SessionCancelledPayload>(),
  'session:speakers-updated': session<SpeakersUpdatedPayload>(),

  'signature:opened': campaign<CampaignOpenedPayload>(),
  'recommendation:adopted': campaign<CampaignOpenedPayload>(),
  'signature:signed': campaign<SignedPayload>(),
  'signature:closed': campaign<SignatureClosedPayload>(),
  'agreement:notified': campaign<NotifiedPayload>(),
  'opposition:filed': campaign<OpposedPayload>(),
  'referendum:recorded': campaign<ReferendumRecordedPayload>(),
  'agreement:voided': campaign<VoidedPayload>(),
  'agreement:validated': campaign<ValidatedPayload>(),
  'agreement:transitioned': campaign<TransitionedPayload>(),

  'version:created': version<{ versionId: string; name: string; kind: VersionKind }>(),

  'vote:opened': vote<VoteOpenedPayload>(),
  'ballot:cast': vote<BallotCastPayload>(),
  'vote:closed': vote<VoteClosedPayload>(),
} as const satisfies Record<string, EventSpec<unknown>>;

export type EventType = keyof typeof EVENTS;
export type EventPayload<K extends EventType> = (typeof EVENTS)[K]['payloadType'];

/** The event types of one stream, e.g. `EventTypeOf<'vote'>` = `'vote:opened' | 'ballot:cast' | 'vote:closed'`. */
export type EventTypeOf<S extends Stream> = { [K in EventType]: (typeof EVENTS)[K]['stream'] extends S ? K : never }[EventType];

export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENTS, type);
}

/** The stream an event type belongs to; undefined for a type the catalogue does not know. */
export function streamOf(type: string): Stream | undefined {
  return isEventType(type) ? EVENTS[type].stream : undefined;
}

/** The event types of a stream, in catalogue order (for the queries that read one read model's events). */
export function eventTypesOf<S extends Stream>(stream: S): EventTypeOf<S>[] {
  return EVENT_TYPES.filter((type) => EVENTS[type].stream === stream) as EventTypeOf<S>[];
}

/** What every stored event has, whatever its type. */
export interface EventEnvelope {
  negotiationId: string;
  /** Gap-free, starting at 1, per negotiation. */
  seq: number;
  /** The user who acted (or `system`). */
  actor: string;
  /** The organisation the actor acted for, when any. */
  org: string | null;
  at: string;
  visibility: Visibility;
}

/**
 * A domain event as stored in the negotiation's log and pushed to clients: a discriminated
 * union on `type`, so `switch (event.type)` narrows the payload.
 */
export type NegotiationEvent<K extends EventType = EventType> = K extends EventType ? EventEnvelope & { type: K; payload: EventPayload<K> } : never;

/** What a use case hands to the log: a catalogued type and its payload, and who may see it (the committee by default). */
export type EventContent<K extends EventType = EventType> = K extends EventType ? { type: K; payload: EventPayload<K>; visibility?: Visibility } : never;

/** What the event store appends: the content stamped with who acted; the store assigns seq and time. */
export type EventDraft<K extends EventType = EventType> = EventContent<K> & { actor: string; org?: string | null };
