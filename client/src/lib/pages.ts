import type { Component } from 'svelte';
import type { RouteName } from './router.svelte.ts';
import { loadLaterMessages } from './i18n.svelte.ts';

// Props differ from page to page; each receives its route's params (id, sessionId, token).
type Page = Component<Record<string, string>>;

/**
 * Each route's page, loaded on demand: the first visit downloads only the sign-in or home
 * page; the editor stack (Tiptap, ProseMirror, y-websocket), sessions, signature and the
 * projector come with their own routes.
 */
const PAGES: Record<RouteName, () => Promise<{ default: unknown }>> = {
  login: () => import('../auth/LoginPage.svelte'),
  home: () => import('../negotiations/NegotiationsPage.svelte'),
  negotiation: () => import('../negotiations/NegotiationPage.svelte'),
  members: () => import('../members/MembersPage.svelte'),
  invitation: () => import('../auth/InvitationPage.svelte'),
  verifier: () => import('../verify/VerifierPage.svelte'),
  text: () => import('../editor/AgreementView.svelte'),
  sessions: () => import('../sessions/SessionsPage.svelte'),
  session: () => import('../sessions/SessionPage.svelte'),
  projector: () => import('../sessions/ProjectorPage.svelte'),
  signature: () => import('../signature/SignaturePage.svelte'),
  positions: () => import('../positions/PositionsPage.svelte'),
  notFound: () => import('../shell/NotFoundPage.svelte'),
  account: () => import('../account/AccountPage.svelte'),
  outbox: () => import('../mail/OutboxPage.svelte'),
};

/**
 * The pages whose words are in the first script or come with their own code (lib/i18n.svelte.ts);
 * the others wait for the rest of the catalogue, fetched beside their code. The text page's panels fetch it once the
 * editor shows (editor/AgreementView.svelte).
 */
const FIRST_PAGES = new Set<RouteName>(['login', 'home', 'invitation', 'notFound', 'account', 'text']);

const loaded = new Map<RouteName, Page>();

/** The page, at once when it was loaded before (no loading flash when coming back to it). */
export function pageOf(name: RouteName): Page | Promise<Page> {
  return (
    loaded.get(name) ??
    Promise.all([PAGES[name](), FIRST_PAGES.has(name) ? null : loadLaterMessages()]).then(([module]) => {
      loaded.set(name, module.default as Page);
      return module.default as Page;
    })
  );
}
