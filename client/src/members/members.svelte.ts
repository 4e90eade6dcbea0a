import { mayGrant, membersGovernance, ROLES, type Granter, type MembersGovernance, type Role } from '../../../shared/access.ts';
import type { Member, MembersView, NegotiationDetail, Party, SentInvitation } from '../../../shared/identity.ts';
import { streamOf, type NegotiationEvent } from '../../../shared/events.ts';
import { applyMemberEvents } from '../../../shared/members/members.fold.ts';
import { api } from '../lib/api.ts';
import { connection, type NegotiationStream } from '../lib/connection.svelte.ts';
import { describeError } from '../lib/errors.ts';
import { t } from '../lib/i18n.svelte.ts';

/**
 * The members screen. A delegation lead governs their own organisation (invites, roles,
 * revocations, password resets, each link mailed to the person); the secretariat sees every
 * delegation, invites an organisation's first lead and may suspend a mandate with a reason.
 */
export class MembersScreen {
  view = $state<MembersView | null>(null);
  negotiation = $state<NegotiationDetail | null>(null);
  error = $state<string | null>(null);
  status = $state(0);
  loading = $state(false);
  /** What just happened (an invitation sent, a reset mailed), or what went wrong. */
  notice = $state<{ text: string; ok: boolean } | null>(null);

  inviteEmail = $state('');
  inviteOrganisation = $state('');
  inviteRoles = $state<Role[]>([]);
  inviteError = $state<string | null>(null);

  editing = $state<string | null>(null);
  editRoles = $state<Role[]>([]);

  suspending = $state<string | null>(null);
  suspendReason = $state('');

  /** The negotiation's stream, once followed: it keeps the reader's own roles up to date. */
  private stream = $state.raw<NegotiationStream | null>(null);

  readonly negotiationId: string;

  constructor(negotiationId: string) {
    this.negotiationId = negotiationId;
  }

  private get base() {
    return `/negotiations/${encodeURIComponent(this.negotiationId)}`;
  }

  /**
   * Keeps the screen in step with the negotiation: an invitation sent, cancelled or accepted, a
   * mandate changed, suspended, reinstated or revoked, by anyone (this screen included: its own
   * commands are not followed by a read), is applied to the list by the shared fold. Only a
   * member:joined recorded before it carried its membership id reads the members again.
   * Returns the unsubscribe.
   */
  follow(): () => void {
    this.stream = connection.follow(this.negotiationId);
    return this.stream.on((events) => {
      const changes = events.filter((e) => streamOf(e.type) === 'member');
      if (changes.length === 0) return;
      // A read under way answers the list with or without them: they are applied to its answer.
      if (this.duringRead) return void this.duringRead.push(...changes);
      if (!this.view) return void this.load();
      this.apply(this.view, changes);
    });
  }

  /** Member events that came while the list was being read: applied to what the read answers (the fold is idempotent). */
  private duringRead: NegotiationEvent[] | null = null;

  /** The list as `changes` leave it; read again when the fold cannot apply one (see applyMemberEvents). */
  private apply(list: MembersView, changes: readonly NegotiationEvent[]): void {
    const { view, pending } = applyMemberEvents(list, changes);
    this.view = view;
    if (pending) void this.load();
  }

  async load(): Promise<void> {
    this.loading = true;
    const crossed: NegotiationEvent[] = (this.duringRead = []);
    let read: MembersView | null = null;
    try {
      const [view, negotiation] = await Promise.all([
        api<MembersView>('GET', `${this.base}/members`),
        api<NegotiationDetail>('GET', this.base),
      ]);
      read = view;
      this.negotiation = negotiation;
      this.error = null;
    } catch (err) {
      this.error = describeError(err);
      this.status = (err as { status?: number }).status ?? 0;
    } finally {
      this.duringRead = null;
      this.loading = false;
    }
    if (!read) return;
    this.apply(read, crossed);
    if (this.governance.leads) this.inviteOrganisation = this.governance.leads;
  }

  organisationName(id: string | null): string {
    return this.negotiation?.organisations.find((o) => o.id === id)?.shortName ?? '—';
  }

  /** My mandate as it stands: the roles the stream follows (my own changes of roles included), else those read with the page. */
  private get mandate(): Granter | null {
    const negotiation = this.negotiation;
    if (!negotiation) return null;
    return { roles: this.stream?.rolesOr(negotiation.myRoles) ?? negotiation.myRoles, orgId: this.stream?.mandate?.organisation.id ?? negotiation.myOrganisation };
  }

  /** What I govern now (shared rule): the controls follow a change of my roles without a reload. */
  get governance(): MembersGovernance {
    const mandate = this.mandate;
    return mandate ? membersGovernance(mandate) : { oversee: false, leads: null };
  }

  /** My organisation, as a party. */
  get myOrganisation(): Party | null {
    const mine = this.mandate?.orgId;
    return this.negotiation?.organisations.find((o) => o.id === mine) ?? null;
  }

  /** The roles I may grant to a member of `orgId` now (none outside my own organisation). */
  grantable(orgId: string): Role[] {
    const mandate = this.mandate;
    const party = this.negotiation?.organisations.find((o) => o.id === orgId);
    if (!mandate || !party) return [];
    return ROLES.filter((role) => mayGrant(mandate, { orgId, college: party.college }, role));
  }

  /** Whether I govern this member (their organisation's lead). */
  governs(member: Member): boolean {
    return this.governance.leads === member.organisation.id;
  }

  /** The organisations with nobody at the table: the secretariat may invite their first lead. */
  get unseated(): Party[] {
    const seated = (this.view?.members ?? []).map((m) => m.organisation.id);
    const pending = (this.view?.invitations ?? []).map((i) => i.organisationId);
    return (this.negotiation?.organisations ?? []).filter((o) => !seated.includes(o.id) && !pending.includes(o.id));
  }

  async invite(): Promise<boolean> {
    this.inviteError = null;
    const leading = this.inviteOrganisation === this.governance.leads;
    const roles: Role[] = leading ? this.inviteRoles : ['lead'];
    if (roles.length === 0) {
      this.inviteError = t('members.chooseRoles');
      return false;
    }
    try {
      const email = this.inviteEmail.trim();
      const sent = await api<SentInvitation>('POST', `${this.base}/invitations`, { email, organisationId: this.inviteOrganisation, roles });
      this.notice = { text: t('members.inviteSent', { email: sent.email }), ok: true };
      this.inviteEmail = '';
      this.inviteRoles = [];
      return true;
    } catch (err) {
      this.inviteError = describeError(err);
      return false;
    }
  }

  startEdit(member: Member): void {
    this.editing = member.id;
    this.editRoles = [...member.roles];
  }

  async saveRoles(member: Member): Promise<void> {
    await this.run(async () => {
      await api('PATCH', `${this.base}/members/${member.id}`, { roles: ROLES.filter((r) => this.editRoles.includes(r)) });
      this.editing = null;
    });
  }

  async revoke(member: Member): Promise<void> {
    await this.run(() => api('DELETE', `${this.base}/members/${member.id}`));
  }

  async resetPassword(member: Member): Promise<void> {
    await this.run(async () => {
      await api('POST', `${this.base}/members/${member.id}/password-reset`);
      return t('members.resetSent', { name: member.user.name, email: member.user.email });
    });
  }

  async suspend(member: Member): Promise<void> {
    const reason = this.suspendReason.trim();
    await this.run(async () => {
      await api('POST', `${this.base}/members/${member.id}/suspension`, { reason });
      this.suspending = null;
      this.suspendReason = '';
      return t('members.suspended', { name: member.user.name, org: member.organisation.shortName });
    });
  }

  async lift(member: Member): Promise<void> {
    await this.run(() => api('DELETE', `${this.base}/members/${member.id}/suspension`));
  }

  async cancelInvitation(id: string): Promise<void> {
    await this.run(() => api('DELETE', `${this.base}/invitations/${encodeURIComponent(id)}`));
  }

  /** Runs a command; what it changed comes back as its event (follow), not by reading the list. */
  private async run(action: () => Promise<unknown>): Promise<void> {
    this.notice = null;
    try {
      const done = await action();
      if (typeof done === 'string') this.notice = { text: done, ok: true };
    } catch (err) {
      this.notice = { text: describeError(err), ok: false };
    }
  }
}
