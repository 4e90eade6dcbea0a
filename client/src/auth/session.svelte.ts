import type { AuthUser, Me } from '../../../shared/identity.ts';
import { api, ApiError } from '../lib/api.ts';
import { clearOfflineCopies, unsentChanges } from '../editor/offline-copies.ts';

/** Who is signed in; `ready` once the first /api/me has answered. */
class Session {
  me = $state<Me | null>(null);
  ready = $state(false);
  user = $derived<AuthUser | null>(this.me?.user ?? null);

  async load(): Promise<void> {
    try {
      this.me = await api<Me>('GET', '/me');
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      this.me = null;
    } finally {
      this.ready = true;
    }
  }

  async signIn(email: string, password: string): Promise<void> {
    await api<{ user: AuthUser }>('POST', '/auth/login', { email, password });
    await this.load();
  }

  /** The changes of this person's edits kept in this browser that the server has not received yet. */
  unsentChanges(): Promise<number> {
    return this.user ? unsentChanges(this.user.id) : Promise.resolve(0);
  }

  /**
   * Signs out, and clears this person's copies of the texts kept in this browser: on a shared
   * computer the next person must not find a delegation's drafts (the caller warns first when
   * some were never sent).
   */
  async signOut(): Promise<void> {
    const userId = this.user?.id ?? null;
    try {
      await api('POST', '/auth/logout');
      // The Socket.IO client is not in the first script: it comes with the first page that follows a negotiation.
      (await import('../lib/connection.svelte.ts')).connection.close();
      this.me = null;
    } finally {
      if (userId) await clearOfflineCopies(userId);
    }
  }
}

export const session = new Session();
