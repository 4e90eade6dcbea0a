import type { AuthUser, Me } from '../../../shared/identity.ts';
import { api, ApiError } from '../lib/api.ts';

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

  async signOut(): Promise<void> {
    await api('POST', '/auth/logout');
    // The Socket.IO client is not in the first script: it comes with the first page that follows a negotiation.
    (await import('../lib/connection.svelte.ts')).connection.close();
    this.me = null;
  }
}

export const session = new Session();
