// The client's routes, without Svelte: the router reads them, and so does the early start
// inlined in the page's HTML (early-start.ts), which runs before any of the app's code.

/** The client's routes: name → path pattern (`:param` segments). */
const ROUTES = {
  login: '/login',
  home: '/',
  negotiation: '/negotiations/:id',
  members: '/negotiations/:id/members',
  text: '/negotiations/:id/text',
  sessions: '/negotiations/:id/sessions',
  session: '/negotiations/:id/sessions/:sessionId',
  projector: '/negotiations/:id/projector',
  signature: '/negotiations/:id/signature',
  positions: '/negotiations/:id/positions',
  invitation: '/invitations/:token',
  verifier: '/verifier',
  account: '/compte',
  outbox: '/negotiations/:id/outbox',
} as const;

export type RouteName = keyof typeof ROUTES | 'notFound';
export interface Route {
  name: RouteName;
  params: Record<string, string>;
}

const compiled = Object.entries(ROUTES).map(([name, pattern]) => {
  const keys: string[] = [];
  const source = pattern.replace(/:(\w+)/g, (_, key) => (keys.push(key), '([^/]+)'));
  return { name: name as RouteName, regex: new RegExp(`^${source}/?$`), keys };
});

export function matchRoute(pathname: string): Route {
  for (const { name, regex, keys } of compiled) {
    const found = regex.exec(pathname);
    if (found) return { name, params: Object.fromEntries(keys.map((k, i) => [k, decodeURIComponent(found[i + 1])])) };
  }
  return { name: 'notFound', params: {} };
}
