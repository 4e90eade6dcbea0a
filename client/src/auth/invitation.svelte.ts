import { PASSWORD_MIN, type AuthUser, type InvitationView } from '../../../shared/identity.ts';
import { api, ApiError } from '../lib/api.ts';
import { describeError } from '../lib/errors.ts';
import { addWords, t } from '../lib/i18n.svelte.ts';
import { invitationMessages } from './invitation-messages.ts';
import { session } from './session.svelte.ts';

// The invitation page's words come with its code, not in the first script (lib/i18n.svelte.ts).
addWords(invitationMessages);

/** The invitee's page: what the link grants, then name and password. */
export class InvitationPage {
  view = $state<InvitationView | null>(null);
  loadError = $state<string | null>(null);
  name = $state('');
  password = $state('');
  confirm = $state('');
  error = $state<string | null>(null);
  submitting = $state(false);

  readonly token: string;

  constructor(token: string) {
    this.token = token;
  }

  private linkError(err: unknown): string {
    if (err instanceof ApiError && err.status === 410) return t('invitation.gone');
    if (err instanceof ApiError && err.status === 404) return t('invitation.unknown');
    return describeError(err);
  }

  async load(): Promise<void> {
    try {
      this.view = await api<InvitationView>('GET', `/invitations/${encodeURIComponent(this.token)}`);
    } catch (err) {
      this.loadError = this.linkError(err);
    }
  }

  /** Where to land (the negotiation joined, or home after a reset), or null when the form needs correcting. */
  async submit(): Promise<string | null> {
    if (!this.view || this.submitting) return null;
    this.error = null;
    const existing = this.view.kind === 'invitation' && this.view.existingUser;
    if (!existing && this.password.length < PASSWORD_MIN) return ((this.error = t('invitation.tooShort')), null);
    if (!existing && this.password !== this.confirm) return ((this.error = t('invitation.mismatch')), null);
    this.submitting = true;
    try {
      const body = this.view.kind === 'invitation' && !existing ? { name: this.name.trim(), password: this.password } : { password: this.password };
      const result = await api<{ user: AuthUser; negotiationId: string | null }>(
        'POST',
        `/invitations/${encodeURIComponent(this.token)}/accept`,
        body,
      );
      await session.load();
      return result.negotiationId ? `/negotiations/${result.negotiationId}` : '/';
    } catch (err) {
      this.error = this.linkError(err);
      return null;
    } finally {
      this.submitting = false;
    }
  }
}
