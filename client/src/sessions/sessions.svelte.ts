import type { CommandName } from '../../../shared/commands.ts';
import type { NegotiationEvent } from '../../../shared/events.ts';
import type { MembersView, NegotiationDetail } from '../../../shared/identity.ts';
import type { AttendanceLine, AttendanceStatus, CurrentItemView, MinutesView, SessionSummary, SessionView } from '../../../shared/sessions/session.ts';
import type { VoteView } from '../../../shared/votes/vote.ts';
import type { VoteRule } from '../../../shared/votes/tally.ts';
import { api } from '../lib/api.ts';
import { connection, type NegotiationStream, type StreamPayload } from '../lib/connection.svelte.ts';
import { describeError } from '../lib/errors.ts';
import { formatLongDateTime } from '../lib/format.ts';
import type { Locale } from '../lib/i18n.svelte.ts';

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

/** Calls `onEvents` with each batch of the negotiation's events; returns the unsubscribe. */
function follow(stream: NegotiationStream, relevant: (event: NegotiationEvent) => boolean, onEvents: () => void): () => void {
  return stream.on((events) => {
    if (events.some(relevant)) onEvents();
  });
}

const base = (negotiationId: string) => `/negotiations/${negotiationId}/sessions`;

/** The sessions of a negotiation and its timetable. */
export class SessionsBoard {
  negotiation = $state<NegotiationDetail | null>(null);
  sessions = $state<SessionSummary[]>([]);
  error = $state<string | null>(null);
  status = $state(0);
  readonly stream: NegotiationStream;
  private readonly stop: () => void;

  readonly negotiationId: string;

  constructor(negotiationId: string) {
    this.negotiationId = negotiationId;
    this.stream = connection.follow(negotiationId);
    this.stop = follow(this.stream, (event) => event.type.startsWith('session:'), () => void this.refresh());
  }

  get canManage(): boolean {
    return this.negotiation?.myRoles.includes('secretariat') ?? false;
  }

  async load(): Promise<void> {
    try {
      this.negotiation = await api<NegotiationDetail>('GET', `/negotiations/${this.negotiationId}`);
      await this.refresh();
    } catch (err) {
      this.error = describeError(err);
      this.status = (err as { status?: number }).status ?? 0;
    }
  }

  async refresh(): Promise<void> {
    this.sessions = await api<SessionSummary[]>('GET', base(this.negotiationId));
  }

  destroy(): void {
    this.stop();
  }
}

/** One session: details, the current item, the minutes; refreshed by the live events. */
export class SessionRoom {
  negotiation = $state<NegotiationDetail | null>(null);
  /** The versions a document may point at, and the tabled amendments an agenda item may name. */
  versions = $state<{ id: string; name: string; createdAt: string }[]>([]);
  /** The names of each organisation's members (the secretariat's attendance form suggests them). */
  delegatesByOrg = $state<Record<string, string[]>>({});
  amendments = $state<{ id: string; formula: string; status: string; org: { shortName: string }; target: { number: string } }[]>([]);
  session = $state<SessionView | null>(null);
  /** The negotiation's votes, for the agenda's vote items (opened from the item, or linked). */
  votes = $state<VoteView[]>([]);
  current = $state<CurrentItemView | null>(null);
  minutes = $state<MinutesView | null>(null);
  error = $state<string | null>(null);
  status = $state(0);
  readonly stream: NegotiationStream;
  private readonly stops: (() => void)[];

  readonly negotiationId: string;
  readonly sessionId: string;

  constructor(
    negotiationId: string,
    sessionId: string,
  ) {
    this.negotiationId = negotiationId;
    this.sessionId = sessionId;
    this.stream = connection.follow(negotiationId);
    const about = (event: NegotiationEvent) => (event.payload as { sessionId?: string } | null)?.sessionId === sessionId;
    this.stops = [
      follow(this.stream, (e) => (e.type.startsWith('session:') || e.type.startsWith('minutes:')) && about(e), () => void this.refresh()),
      // The current item shows an amendment's outcome as the projector does.
      follow(this.stream, (e) => e.type.startsWith('vote:') || e.type === 'ballot:cast' || e.type.startsWith('amendment:') || e.type.startsWith('article:'), () => void this.refreshCurrent()),
      follow(this.stream, (e) => e.type === 'vote:opened' || e.type === 'vote:closed', () => void this.refreshVotes()),
    ];
  }

  get canManage(): boolean {
    return this.negotiation?.myRoles.includes('secretariat') ?? false;
  }

  /** The presidency and the secretariat conduct the debate (reorder the agenda). */
  get canChair(): boolean {
    return this.negotiation?.myRoles.some((r) => r === 'secretariat' || r === 'chair') ?? false;
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
      await this.refresh();
      this.votes = await api<VoteView[]>('GET', `/negotiations/${this.negotiationId}/votes`).catch(() => []);
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

  async refresh(): Promise<void> {
    const url = `${base(this.negotiationId)}/${this.sessionId}`;
    this.session = await api<SessionView>('GET', url);
    await this.refreshCurrent();
    this.minutes = this.session.status === 'closed' ? await api<MinutesView>('GET', `${url}/minutes`) : null;
  }

  async refreshVotes(): Promise<void> {
    this.votes = await api<VoteView[]>('GET', `/negotiations/${this.negotiationId}/votes`).catch(() => this.votes);
  }

  async refreshCurrent(): Promise<void> {
    if (this.session?.status !== 'open') {
      this.current = null;
      return;
    }
    this.current = await api<CurrentItemView>('GET', `${base(this.negotiationId)}/${this.sessionId}/current`);
  }

  /** Sends a session command; the view follows from the answer (and the broadcast). */
  async run<K extends SessionCommandName>(name: K, payload: Omit<StreamPayload<K>, 'sessionId'> | Record<string, never> = {}): Promise<void> {
    await this.stream.command(name, { sessionId: this.sessionId, ...payload } as StreamPayload<K>);
    await this.refresh();
  }

  destroy(): void {
    for (const stop of this.stops) stop();
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

/** The projector: the open session's current item, followed live; otherwise the next session. */
export class Projector {
  sessions = $state<SessionSummary[]>([]);
  current = $state<CurrentItemView | null>(null);
  negotiationTitle = $state('');
  error = $state<string | null>(null);
  private readonly stops: (() => void)[];
  private timer: ReturnType<typeof setInterval> | null = null;

  readonly negotiationId: string;

  constructor(negotiationId: string) {
    this.negotiationId = negotiationId;
    const stream = connection.follow(negotiationId);
    this.stops = [
      follow(stream, (e) => e.type.startsWith('session:'), () => void this.refresh()),
      follow(
        stream,
        (e) => e.type.startsWith('vote:') || e.type === 'ballot:cast' || e.type.startsWith('amendment:') || e.type.startsWith('article:'),
        () => void this.refreshCurrent(),
      ),
    ];
  }

  get open(): SessionSummary | null {
    return this.sessions.find((s) => s.status === 'open') ?? null;
  }

  get next(): SessionSummary | null {
    const now = Date.now();
    return this.sessions.find((s) => s.status === 'convened' && Date.parse(s.startsAt) >= now) ?? null;
  }

  async load(): Promise<void> {
    try {
      const negotiation = await api<NegotiationDetail>('GET', `/negotiations/${this.negotiationId}`);
      this.negotiationTitle = negotiation.title;
      await this.refresh();
      // The live text changes without session events: it is read again every few seconds.
      this.timer = setInterval(() => void this.refreshCurrent(), 4000);
    } catch (err) {
      this.error = describeError(err);
    }
  }

  async refresh(): Promise<void> {
    this.sessions = await api<SessionSummary[]>('GET', base(this.negotiationId));
    await this.refreshCurrent();
  }

  async refreshCurrent(): Promise<void> {
    const open = this.open;
    this.current = open ? await api<CurrentItemView>('GET', `${base(this.negotiationId)}/${open.id}/current`).catch(() => this.current) : null;
  }

  destroy(): void {
    if (this.timer) clearInterval(this.timer);
    for (const stop of this.stops) stop();
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

/** Paris date and time of an instant, in the user's language. */
export function parisDateTime(iso: string, locale: Locale): string {
  return formatLongDateTime(iso, locale);
}

/** A day's mark on the calendar. */
export interface CalendarEntry {
  /** YYYY-MM-DD, Paris date. */
  date: string;
  label: string;
  kind: 'session' | 'deadline';
  href?: string;
}

