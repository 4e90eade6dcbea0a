import { accessEnd } from '../lib/access-end.svelte.ts';
import { api, ApiError } from '../lib/api.ts';
import { describeError } from '../lib/errors.ts';
import { addWords, t } from '../lib/i18n.svelte.ts';
import { authMessages } from './messages.ts';
import { session } from './session.svelte.ts';

// The sign-in page's words come with its code, not in the first script (lib/i18n.svelte.ts).
addWords(authMessages);

export class LoginForm {
  email = $state('');
  password = $state('');
  error = $state<string | null>(null);
  submitting = $state(false);

  /** True when signed in. */
  async submit(): Promise<boolean> {
    if (this.submitting) return false;
    this.error = null;
    if (!this.email.trim() || !this.password) {
      this.error = t('login.malformed');
      return false;
    }
    this.submitting = true;
    try {
      await session.signIn(this.email.trim(), this.password);
      this.password = '';
      accessEnd.dismiss();
      return true;
    } catch (err) {
      this.error = err instanceof ApiError && err.code === 'BAD_REQUEST' ? t('login.malformed') : describeError(err);
      this.password = '';
      return false;
    } finally {
      this.submitting = false;
    }
  }
}

/** « Mot de passe oublié »: the link goes to the account's own address; the answer is the same for any address. */
export class ForgotPasswordForm {
  email = $state('');
  sent = $state(false);
  error = $state<string | null>(null);
  submitting = $state(false);

  async submit(): Promise<void> {
    if (this.submitting) return;
    this.error = null;
    if (!this.email.trim()) {
      this.error = t('login.malformed');
      return;
    }
    this.submitting = true;
    try {
      await api('POST', '/auth/password-reset', { email: this.email.trim() });
      this.sent = true;
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.submitting = false;
    }
  }
}
