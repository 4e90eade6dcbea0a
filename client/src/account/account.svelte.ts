import { PASSWORD_MIN } from '../../../shared/identity.ts';
import { api, ApiError } from '../lib/api.ts';
import { describeError } from '../lib/errors.ts';
import { addWords, t } from '../lib/i18n.svelte.ts';
import { accountMessages } from './messages.ts';
import { session } from '../auth/session.svelte.ts';

// The account page's words come with its code, not in the first script (lib/i18n.svelte.ts).
addWords(accountMessages);

/** What the server answered, in the person's words: a wrong current password is named as such. */
function refusal(err: unknown): string {
  return err instanceof ApiError && err.code === 'INVALID_CREDENTIALS' ? t('account.wrongPassword') : describeError(err);
}

/**
 * A new password: the current one typed again (the server throttles it with every password
 * of the account), the new one twice. The server ends every other session of the person and
 * mails them; this tab stays signed in.
 */
export class PasswordChange {
  currentPassword = $state('');
  newPassword = $state('');
  confirmation = $state('');
  error = $state<string | null>(null);
  done = $state(false);
  submitting = $state(false);

  async submit(): Promise<void> {
    if (this.submitting) return;
    this.error = null;
    this.done = false;
    if (!this.currentPassword) return void (this.error = t('account.currentRequired'));
    if (this.newPassword.length < PASSWORD_MIN) return void (this.error = t('account.tooShort', { min: PASSWORD_MIN }));
    if (this.newPassword !== this.confirmation) return void (this.error = t('account.mismatch'));
    this.submitting = true;
    try {
      await api('POST', '/me/password', { currentPassword: this.currentPassword, newPassword: this.newPassword });
      this.done = true;
      this.newPassword = '';
      this.confirmation = '';
    } catch (err) {
      this.error = refusal(err);
    } finally {
      this.currentPassword = '';
      this.submitting = false;
    }
  }
}

/** A new email address, confirmed by the password; both addresses are told. */
export class EmailChange {
  email = $state('');
  password = $state('');
  error = $state<string | null>(null);
  done = $state<string | null>(null);
  submitting = $state(false);

  async submit(): Promise<void> {
    if (this.submitting) return;
    this.error = null;
    this.done = null;
    const email = this.email.trim();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) return void (this.error = t('account.emailInvalid'));
    if (!this.password) return void (this.error = t('account.currentRequired'));
    this.submitting = true;
    try {
      await api('POST', '/me/email', { email, password: this.password });
      this.done = email;
      this.email = '';
      await session.load();
    } catch (err) {
      this.error = refusal(err);
    } finally {
      this.password = '';
      this.submitting = false;
    }
  }
}
