import { ROLES, type Role } from '../../../shared/access.ts';
import type { IssuedLink, Member, MembersView, NegotiationDetail } from '../../../shared/identity.ts';
import { api } from './api.ts';
import { describeError } from './errors.ts';
import { t } from './i18n.svelte.ts';

/** A link to show once, with the person it is for. */
export interface ShownLink {
  message: string;
  url: string;
}

/** The secretariat's members screen: the list, the invitation form, role edits and revocations. */
export class MembersScreen {
  view = $state<MembersView | null>(null);
  negotiation = $state<NegotiationDetail | null>(null);
  error = $state<string | null>(null);
  status = $state(0);
  loading = $state(false);
  notice = $state<string | null>(null);
  link = $state<ShownLink | null>(null);

  inviteEmail = $state('');
  inviteOrganisation = $state('');
  inviteRoles = $state<Role[]>([]);
  inviteError = $state<string | null>(null);

  editing = $state<string | null>(null);
  editRoles = $state<Role[]>([]);

  readonly negotiationId: string;

  constructor(negotiationId: string) {
    this.negotiationId = negotiationId;
  }

  private get base() {
    return `/negotiations/${encodeURIComponent(this.negotiationId)}`;
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      const [view, negotiation] = await Promise.all([
        api<MembersView>('GET', `${this.base}/members`),
        api<NegotiationDetail>('GET', this.base),
      ]);
      this.view = view;
      this.negotiation = negotiation;
      this.error = null;
    } catch (err) {
      this.error = describeError(err);
      this.status = (err as { status?: number }).status ?? 0;
    } finally {
      this.loading = false;
    }
  }

  organisationName(id: string | null): string {
    return this.negotiation?.organisations.find((o) => o.id === id)?.shortName ?? '—';
  }

  private show(message: string, issued: IssuedLink): void {
    this.link = { message, url: location.origin + issued.path };
  }

  async invite(): Promise<boolean> {
    this.inviteError = null;
    if (this.inviteRoles.length === 0) {
      this.inviteError = t('members.chooseRoles');
      return false;
    }
    try {
      const email = this.inviteEmail.trim();
      const issued = await api<IssuedLink>('POST', `${this.base}/invitations`, {
        email,
        organisationId: this.inviteOrganisation,
        roles: this.inviteRoles,
      });
      this.show(t('members.inviteIssued', { email }), issued);
      this.inviteEmail = '';
      this.inviteRoles = [];
      await this.load();
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
      const issued = await api<IssuedLink>('POST', `${this.base}/members/${member.id}/password-reset`);
      this.show(t('members.resetIssued', { name: member.user.name }), issued);
    });
  }

  async cancelInvitation(id: string): Promise<void> {
    await this.run(() => api('DELETE', `${this.base}/invitations/${encodeURIComponent(id)}`));
  }

  private async run(action: () => Promise<unknown>): Promise<void> {
    this.notice = null;
    try {
      await action();
      await this.load();
    } catch (err) {
      this.notice = describeError(err);
    }
  }
}
