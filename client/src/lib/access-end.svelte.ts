/**
 * Access ends when it ends, and the person is told: the server closes a tab's live channels
 * the moment a session ends (sign-out elsewhere, a new password, expiry) or a mandate does
 * (revocation, suspension). Every channel reports here — Socket.IO (`session:ended`,
 * `negotiation:access-ended`), the Yjs endpoint (CloseCode.UNAUTHENTICATED, FORBIDDEN of shared/collab/close-codes.ts), an API answer 401 —
 * and App shows one clear message, and the sign-in page when the session is gone, instead of
 * a page that waits for ever.
 *
 * It imports nothing of the app but the router (and the shared close codes), so that the API client and every channel can report.
 */
import { CloseCode } from '../../../shared/collab/close-codes.ts';
import { router } from './router.svelte.ts';

export type AccessEnd =
  /** The session is gone: sign in again. */
  | { kind: 'session' }
  /** The mandate in this negotiation is gone. */
  | { kind: 'mandate'; negotiationId: string | null };


class AccessEnded {
  /** What ended, until App has acted on it and the person has read it. */
  notice = $state<AccessEnd | null>(null);
  /** The person is signing out in this tab: the server's notices of it are no news to them. */
  private signingOut = false;

  /** The tab still holds the ended session: App forgets it once (not again after a new sign-in). */
  private stale = false;

  sessionEnded(): void {
    if (this.signingOut) return;
    this.stale = true;
    this.notice = { kind: 'session' };
  }

  /** True once after the session ended: the tab must forget who was signed in. */
  takeEndedSession(): boolean {
    const stale = this.stale;
    this.stale = false;
    return stale;
  }

  /** Before this tab signs out: the ends of the session and its channels that follow are expected. */
  expectSignOut(): void {
    this.signingOut = true;
    this.notice = null;
  }

  mandateEnded(negotiationId: string | null): void {
    // An ended session says more than an ended mandate: it is not replaced.
    if (this.signingOut || this.notice?.kind === 'session') return;
    // A live document does not name its negotiation: it is the one the page shows.
    this.notice = { kind: 'mandate', negotiationId: negotiationId ?? router.route.params.id ?? null };
  }

  /**
   * A Yjs connection closed with `code`: true when access ended (the editor must not
   * reconnect). RIGHTS_CHANGED (4409) is no end: the editor reconnects and is authorised again.
   */
  yjsClosed(code: number): boolean {
    switch (code) {
      case CloseCode.UNAUTHENTICATED:
        this.sessionEnded();
        return true;
      case CloseCode.FORBIDDEN:
        this.mandateEnded(null);
        return true;
      default:
        return false;
    }
  }

  /** Read, or the person signed in again. */
  dismiss(): void {
    this.notice = null;
    this.signingOut = false;
  }
}

export const accessEnd = new AccessEnded();

/** The Socket.IO notices of the server (server/auth/live-connections.ts), on any socket of the app. */
interface NoticeSocket {
  on(event: 'session:ended', listener: () => void): unknown;
  on(event: 'negotiation:access-ended', listener: (notice: { negotiationId: string }) => void): unknown;
}

/** Listens for the end of the session and of mandates on a Socket.IO socket. */
export function watchAccess(socket: NoticeSocket): void {
  socket.on('session:ended', () => accessEnd.sessionEnded());
  socket.on('negotiation:access-ended', ({ negotiationId }) => accessEnd.mandateEnded(negotiationId));
}
