import type { CommandName } from '../../../shared/commands.ts';
import type { NegotiationEvent } from '../../../shared/events.ts';
import type { MembersView, NegotiationDetail } from '../../../shared/identity.ts';
import type { AttendanceLine, AttendanceStatus, CurrentItemContent, CurrentItemView, MinutesView, SessionSummary, SessionView } from '../../../shared/sessions/session.ts';
import { applySessionListEvents, applySessionPanelEvents, currentItemView, type SessionPanels } from '../../../shared/sessions/session-panels.fold.ts';
import { applyVoteEvents } from '../../../shared/votes/vote.fold.ts';
import type { VoteView } from '../../../shared/votes/vote.ts';
import type { VoteRule } from '../../../shared/votes/tally.ts';
import { articleDocName, readBlocks } from '../../../shared/structure.ts';
import { session as me } from '../auth/session.svelte.ts';
import { CollabDoc, presenceUser } from '../editor/collab.svelte.ts';
import { api } from '../lib/api.ts';
import { connection, type NegotiationStream, type StreamPayload } from '../lib/connection.svelte.ts';
import { describeError } from '../lib/errors.ts';

/**
 * The client side of sessions: rune state for the sessions list, one session, the
 * projector, following the negotiation's stream (lib/connection.svelte.ts). Components stay thin.
 */

/** The session commands a session page sends (each names the session). */
export type SessionCommandName = Extract<
  CommandName,
  | 'session:update-agenda'
  | 'session:record-attendance'
  | 'session:open'
  | 'session:cancel'
  | 'session:advance'
  | 'session:goto'
  | 'session:close'
  | 'session:move-item'
  | 'session:link-vote'
  | 'session:speaker-add'
  | 'session:speaker-move'
  | 'session:speaker-spoke'
  | 'session:speaker-remove'
  | 'minutes:draft'
  | 'minutes:circulate'
  | 'minutes:approve'
>;

/**
 * Follows the negotiation's stream for a state that is read once: the events that come while
 * it is read are held and applied after the read (the folds skip those the answer already
 * reflects), then each batch is applied as it comes. Returns the unsubscribe.
 */
class ReadThenFollow {
  private held: NegotiationEvent[] | null = [];
  readonly stop: () => void;
  private readonly apply: (events: readonly NegotiationEvent[]) => void;

  constructor(stream: NegotiationStream, apply: (events: readonly NegotiationEvent[]) => void) {
    this.apply = apply;
    this.stop = stream.on((events) => {
      if (this.held) this.held.push(...events);
      else apply(events);
    });
  }

  /** The read is in: what came meanwhile is applied, and from now on each batch as it comes. */
  read(): void {
    const held = this.held ?? [];
    this.held = null;
    if (held.length > 0) this.apply(held);
  }

  /** A new read starts (another session held): events wait again until it is in. */
  reading(): void {
    this.held ??= [];
  }
}

const base = (negotiationId: string) => `/negotiations/${negotiationId}/sessions`;

/** The content of a current item as read from `…/current` (what the events carry afterwards). */
const contentOf = (view: CurrentItemView): CurrentItemContent => ({ heading: view.heading, article: view.article, amendment: view.amendment, vote: view.vote, text: view.text });

/** The sessions of a negotiation and its timetable: read once, then kept by the session events. */
export class SessionsBoard {
  negotiation = $state<NegotiationDetail | null>(null);
  sessions = $state<SessionSummary[]>([]);
  error = $state<string | null>(null);
  status = $state(0);
  readonly stream: NegotiationStream;
  private readonly following: ReadThenFollow;

  readonly negotiationId: string;

  constructor(negotiationId: string) {
    this.negotiationId = negotiationId;
    this.stream = connection.follow(negotiationId);
    this.following = new ReadThenFollow(this.stream, (events) => (this.sessions = applySessionListEvents(this.sessions, events)));
  }

  get canManage(): boolean {
    return this.stream.rolesOr(this.negotiation?.myRoles).includes('secretariat');
  }

  async load(): Promise<void> {
    try {
      this.negotiation = await api<NegotiationDetail>('GET', `/negotiations/${this.negotiationId}`);
      this.sessions = await api<SessionSummary[]>('GET', base(this.negotiationId));
      this.following.read();
    } catch (err) {
      this.error = describeError(err);
      this.status = (err as { status?: number }).status ?? 0;
    }
  }

  destroy(): void {
    this.following.stop();
  }
}

/** The minutes' view as the session's minutes now stand (their content is the live draft, read once). */
function minutesFollowing(minutes: MinutesView, session: SessionView, canManage: boolean): MinutesView {
  const m = session.minutes;
  if (m.status === minutes.status && m.approvedAt === minutes.approvedAt) return minutes;
  const approved = m.status === 'approved';
  return {
    ...minutes,
    status: m.status,
    editable: !approved && m.status !== 'none' && canManage,
    approvedAt: m.approvedAt,
    approvedBy: m.approvedBy,
    ...(approved && m.approvedDoc ? { doc: m.approvedDoc, text: m.approvedText ?? minutes.text } : {}),
  };
}

/**
 * One session: details, attendance, speakers, the current item and the minutes' state, read
 * once and then kept by the events (shared/sessions/session-panels.fold.ts): no re-read.
 */
export class SessionRoom {
  negotiation = $state<NegotiationDetail | null>(null);
  /** The versions a document may point at, and the tabled amendments an agenda item may name. */
  versions = $state<{ id: string; name: string; createdAt: string }[]>([]);
  /** The names of each organisation's members (the secretariat's attendance form suggests them). */
  delegatesByOrg = $state<Record<string, string[]>>({});
  amendments = $state<{ id: string; formula: string; status: string; org: { shortName: string }; target: { number: string } }[]>([]);
  panels = $state.raw<SessionPanels | null>(null);
  /** The negotiation's votes, for the agenda's vote items (opened from the item, or linked). */
  votes = $state.raw<VoteView[]>([]);
  minutes = $state.raw<MinutesView | null>(null);
  error = $state<string | null>(null);
  status = $state(0);
  readonly stream: NegotiationStream;
  private readonly following: ReadThenFollow;
  /** Commands sent from this page whose events it has not shown yet. */
  private waiting: { seq: number; resolve: () => void }[] = [];

  readonly negotiationId: string;
  readonly sessionId: string;

  constructor(
    negotiationId: string,
    sessionId: string,
  ) {
    this.negotiationId = negotiationId;
    this.sessionId = sessionId;
    this.stream = connection.follow(negotiationId);
    this.following = new ReadThenFollow(this.stream, (events) => this.apply(events));
  }

  get session(): SessionView | null {
    return this.panels?.session ?? null;
  }

  /** The current item, as the projector shows it. */
  get current(): CurrentItemView | null {
    const panels = this.panels;
    if (!panels || panels.session.status !== 'open' || !this.negotiation) return null;
    return currentItemView(panels.session, this.negotiation.organisations, panels.content);
  }

  get canManage(): boolean {
    return this.stream.rolesOr(this.negotiation?.myRoles).includes('secretariat');
  }

  /** The presidency and the secretariat conduct the debate (reorder the agenda). */
  get canChair(): boolean {
    return this.stream.rolesOr(this.negotiation?.myRoles).some((r) => r === 'secretariat' || r === 'chair');
  }

  /** Opens the vote of a vote item (named after it, held in this session) and links the item to it. */
  async openItemVote(index: number, rule: VoteRule): Promise<void> {
    const item = this.session?.agenda[index];
    if (!item || item.kind !== 'vote') return;
    const vote = await this.stream.command('vote:open', { item: { kind: 'question', text: item.title }, rule, title: item.title, sessionId: this.sessionId });
    await this.run('session:link-vote', { index, voteId: vote.id });
  }

  async load(): Promise<void> {
    try {
      this.negotiation = await api<NegotiationDetail>('GET', `/negotiations/${this.negotiationId}`);
      const url = `${base(this.negotiationId)}/${this.sessionId}`;
      const session = await api<SessionView>('GET', url);
      const current = session.status === 'open' ? await api<CurrentItemView>('GET', `${url}/current`) : null;
      this.panels = { session, content: current ? contentOf(current) : null };
      this.votes = await api<VoteView[]>('GET', `/negotiations/${this.negotiationId}/votes`).catch(() => []);
      this.following.read();
      await this.readMinutes();
      this.versions = await api<SessionRoom['versions']>('GET', `/negotiations/${this.negotiationId}/versions`);
      if (this.canManage) {
        const amendments = await api<SessionRoom['amendments']>('GET', `/negotiations/${this.negotiationId}/amendments`).catch(() => []);
        this.amendments = amendments.filter((a) => a.status !== 'draft');
        const view = await api<MembersView>('GET', `/negotiations/${this.negotiationId}/members`).catch(() => null);
        const byOrg: Record<string, string[]> = {};
        for (const member of view?.members ?? []) (byOrg[member.organisation.id] ??= []).push(member.user.name);
        this.delegatesByOrg = byOrg;
      }
    } catch (err) {
      this.error = describeError(err);
      this.status = (err as { status?: number }).status ?? 0;
    }
  }

  /** The minutes' read under way: the load and a caught-up event asking at once share it. */
  private minutesRead: Promise<void> | null = null;

  /** The minutes' content, read once there is a draft (its text lives in the Yjs document; its state follows the events). */
  private readMinutes(): Promise<void> {
    const session = this.session;
    if (this.minutes || !session || session.minutes.status === 'none') return Promise.resolve();
    this.minutesRead ??= api<MinutesView>('GET', `${base(this.negotiationId)}/${this.sessionId}/minutes`)
      .then((minutes) => void (this.minutes = minutes))
      .finally(() => (this.minutesRead = null));
    return this.minutesRead;
  }

  private apply(events: readonly NegotiationEvent[]): void {
    if (this.panels) this.panels = applySessionPanelEvents(this.panels, events);
    this.votes = applyVoteEvents(this.votes, events);
    const session = this.session;
    if (!session) return;
    const shown = this.waiting.filter((w) => session.seq >= w.seq);
    this.waiting = this.waiting.filter((w) => session.seq < w.seq);
    for (const w of shown) w.resolve();
    if (this.minutes) this.minutes = minutesFollowing(this.minutes, session, this.canManage);
    else if (session.minutes.status !== 'none') void this.readMinutes().catch((err) => (this.error = describeError(err)));
  }

  /**
   * Sends a session command; the page follows from its event, like every other page. Resolves
   * once the page shows it (the answer names the seq the session reached), so that what follows
   * a click (the focus kept on a moved item's arrow) finds the page as the command left it.
   */
  async run<K extends SessionCommandName>(name: K, payload: Omit<StreamPayload<K>, 'sessionId'> | Record<string, never> = {}): Promise<void> {
    const answer: unknown = await this.stream.command(name, { sessionId: this.sessionId, ...payload } as StreamPayload<K>);
    const seq = (answer as Partial<SessionView> | null)?.seq;
    if (typeof seq !== 'number' || (this.session?.seq ?? 0) >= seq) return;
    await new Promise<void>((resolve) => this.waiting.push({ seq, resolve }));
  }

  destroy(): void {
    this.following.stop();
  }
}

/** A field of the attendance form: an organisation's presence or its delegates, or the observers. */
export type AttendanceField = { org: string; field: 'status' | 'delegates' } | { org: null; field: 'observers' };

interface AttendanceValues {
  statuses: Record<string, AttendanceStatus | ''>;
  delegates: Record<string, string>;
  observers: string;
}

/**
 * The secretariat's attendance form. It starts from the stored attendance and follows it (each
 * save, each broadcast reads the session again), except where the secretariat has typed
 * something not yet saved: that stays, and when someone else saved that very field meanwhile,
 * the field is named so the secretariat knows whose record the next save replaces.
 */
export class AttendanceForm {
  statuses = $state<Record<string, AttendanceStatus | ''>>({});
  delegates = $state<Record<string, string>>({});
  observers = $state('');
  /** The fields typed here that someone else saved differently since. */
  changedElsewhere = $state<AttendanceField[]>([]);
  /** The stored attendance the form last took in (what "typed" is measured against). */
  private stored: AttendanceValues | null = null;

  /** Takes in the stored attendance: untouched fields follow it, typed ones are kept. */
  follow(lines: readonly AttendanceLine[], observers: readonly string[]): void {
    const next: AttendanceValues = { statuses: {}, delegates: {}, observers: observers.join(', ') };
    for (const line of lines) {
      next.statuses[line.org] = line.status ?? '';
      next.delegates[line.org] = line.delegates.join(', ');
    }
    const before = this.stored;
    this.stored = next;
    if (!before) {
      this.statuses = { ...next.statuses };
      this.delegates = { ...next.delegates };
      this.observers = next.observers;
      return;
    }
    const changed: AttendanceField[] = [];
    const statuses = { ...this.statuses };
    const delegates = { ...this.delegates };
    for (const line of lines) {
      const org = line.org;
      if ((statuses[org] ?? '') === (before.statuses[org] ?? '')) statuses[org] = next.statuses[org];
      else if (next.statuses[org] !== before.statuses[org] && statuses[org] !== next.statuses[org]) changed.push({ org, field: 'status' });
      if ((delegates[org] ?? '') === (before.delegates[org] ?? '')) delegates[org] = next.delegates[org];
      else if (next.delegates[org] !== before.delegates[org] && delegates[org] !== next.delegates[org]) changed.push({ org, field: 'delegates' });
    }
    let typedObservers = this.observers;
    if (typedObservers === before.observers) typedObservers = next.observers;
    else if (next.observers !== before.observers && typedObservers !== next.observers) changed.push({ org: null, field: 'observers' });
    this.statuses = statuses;
    this.delegates = delegates;
    this.observers = typedObservers;
    // A field named before stays named while it differs from the record; a new clash is added.
    const stillTyped = (f: AttendanceField) =>
      f.field === 'observers' ? this.observers !== next.observers : f.field === 'status' ? statuses[f.org] !== next.statuses[f.org] : delegates[f.org] !== next.delegates[f.org];
    const same = (a: AttendanceField, b: AttendanceField) => a.org === b.org && a.field === b.field;
    this.changedElsewhere = [...this.changedElsewhere.filter(stillTyped), ...changed.filter((c) => !this.changedElsewhere.some((f) => same(f, c)))];
  }
}

/**
 * The projector: the open session's current item, otherwise the next session. It reads the
 * sessions once, and the open session once (when it opens), then follows the same events as
 * the session page; after a reconnection the stream catches up from its last seq.
 */
export class Projector {
  sessions = $state<SessionSummary[]>([]);
  panels = $state.raw<SessionPanels | null>(null);
  negotiation = $state.raw<NegotiationDetail | null>(null);
  error = $state<string | null>(null);
  private readonly following: ReadThenFollow;
  /** The open session being read (once). */
  private holding: string | null = null;
  /** The current article's live text, over Yjs like the editor's (Yjs edits are no events). */
  private article: { id: string; doc: CollabDoc } | null = null;
  private liveBlocks = $state.raw<string[] | null>(null);

  readonly negotiationId: string;

  constructor(negotiationId: string) {
    this.negotiationId = negotiationId;
    this.following = new ReadThenFollow(connection.follow(negotiationId), (events) => this.apply(events));
  }

  get negotiationTitle(): string {
    return this.negotiation?.title ?? '';
  }

  get open(): SessionSummary | null {
    return this.sessions.find((s) => s.status === 'open') ?? null;
  }

  get next(): SessionSummary | null {
    const now = Date.now();
    return this.sessions.find((s) => s.status === 'convened' && Date.parse(s.startsAt) >= now) ?? null;
  }

  get current(): CurrentItemView | null {
    const panels = this.panels;
    if (!panels || panels.session.status !== 'open' || !this.negotiation || panels.session.id !== this.open?.id) return null;
    const view = currentItemView(panels.session, this.negotiation.organisations, panels.content);
    return view.article && this.liveBlocks ? { ...view, article: { ...view.article, blocks: this.liveBlocks } } : view;
  }

  /** Follows the text of the current item's article, live; lets go of it when the item changes. */
  private followArticle(): void {
    const item = this.current?.item;
    const id = item?.kind === 'article' ? item.articleId : null;
    if (this.article?.id === id) return;
    this.article?.doc.destroy();
    this.article = null;
    this.liveBlocks = null;
    if (!id || !this.negotiation) return;
    const org = this.negotiation.organisations.find((o) => o.id === this.negotiation?.myOrganisation)?.shortName ?? '';
    const doc = new CollabDoc(articleDocName(id), presenceUser(me.user?.name ?? '', org, { parties: this.negotiation.organisations.map((o) => o.shortName) }));
    const article = { id, doc };
    this.article = article;
    doc.doc.on('update', () => {
      if (this.article === article && doc.synced) this.liveBlocks = readBlocks(doc.doc);
    });
    doc.provider.on('sync', (synced: boolean) => {
      if (synced && this.article === article) this.liveBlocks = readBlocks(doc.doc);
    });
  }

  async load(): Promise<void> {
    try {
      this.negotiation = await api<NegotiationDetail>('GET', `/negotiations/${this.negotiationId}`);
      this.sessions = await api<SessionSummary[]>('GET', base(this.negotiationId));
      await this.holdOpen();
      this.following.read();
      this.followArticle();
    } catch (err) {
      this.error = describeError(err);
    }
  }

  /** Reads the open session once, the first time it is seen open. */
  private async holdOpen(): Promise<void> {
    const open = this.open;
    if (!open || this.panels?.session.id === open.id || this.holding === open.id) return;
    this.holding = open.id;
    const url = `${base(this.negotiationId)}/${open.id}`;
    const [session, current] = await Promise.all([api<SessionView>('GET', url), api<CurrentItemView>('GET', `${url}/current`)]);
    this.panels = { session, content: current.session.status === 'open' ? contentOf(current) : null };
  }

  private apply(events: readonly NegotiationEvent[]): void {
    this.sessions = applySessionListEvents(this.sessions, events);
    if (this.panels) this.panels = applySessionPanelEvents(this.panels, events);
    const open = this.open;
    if (open && this.panels?.session.id !== open.id && this.holding !== open.id) {
      // A session opened since: read once, the events that come meanwhile applied after.
      this.following.reading();
      void this.holdOpen()
        .then(() => this.following.read())
        .then(() => this.followArticle())
        .catch((err) => (this.error = describeError(err)));
    }
    this.followArticle();
  }

  destroy(): void {
    this.following.stop();
    this.article?.doc.destroy();
  }
}

/** A ticking clock for countdowns. */
export class Clock {
  now = $state(Date.now());
  private readonly timer = setInterval(() => (this.now = Date.now()), 1000);
  destroy(): void {
    clearInterval(this.timer);
  }
}

/** "J-3 04:05:06"-style parts until an instant. */
export function countdown(target: string, now: number): { days: number; hours: number; minutes: number; seconds: number; past: boolean } {
  const ms = Date.parse(target) - now;
  const abs = Math.max(0, ms);
  return {
    days: Math.floor(abs / 86_400_000),
    hours: Math.floor((abs % 86_400_000) / 3_600_000),
    minutes: Math.floor((abs % 3_600_000) / 60_000),
    seconds: Math.floor((abs % 60_000) / 1000),
    past: ms < 0,
  };
}

/** A day's mark on the calendar. */
export interface CalendarEntry {
  /** YYYY-MM-DD, Paris date. */
  date: string;
  label: string;
  kind: 'session' | 'deadline';
  href?: string;
}

