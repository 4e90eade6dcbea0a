/**
 * Who may do what in a negotiation: the permission matrix, role × action.
 * The server's access module decides every permission from this table; the client
 * reads it only to hide what the user may not do.
 */
export const ROLES = ['negotiator', 'delegate', 'signatory', 'secretariat', 'chair', 'observer'] as const;
export type Role = (typeof ROLES)[number];

export const COLLEGES = ['employer', 'union'] as const;
export type College = (typeof COLLEGES)[number];

export const ACTIONS = [
  'negotiation:read', // see the negotiation, its parties, the committee-visible material
  'text:write', // co-draft the articles and the structure (hold the pen)
  'article:status', // change an article's negotiation status
  'version:create', // take a named version
  'annotation:create', // annotate the text
  'amendment:table', // draft and table amendments for one's organisation
  'amendment:merge', // merge an adopted amendment into the live text
  'amendment:decide', // put under discussion, declare adopted or rejected
  'vote:open', // open and close indicative votes
  'vote:cast', // cast the organisation's ballot
  'position:declare', // declare the organisation's position in the ledger
  'session:manage', // convene sessions, agenda, attendance, current item, minutes
  'signature:manage', // open a signature campaign, record notifications, transitions
  'signature:sign', // sign, or file an opposition, in the organisation's name
  'members:manage', // invite, revoke, reset passwords
  'delegation:read', // see who sits for one's own organisation (org-scoped)
  'export:download', // download exports of versions and minutes
] as const;
export type Action = (typeof ACTIONS)[number];

const ALL_READERS: readonly Role[] = ROLES;

export const PERMISSIONS: Record<Action, readonly Role[]> = {
  'negotiation:read': ALL_READERS,
  'text:write': ['negotiator', 'secretariat'],
  'article:status': ['negotiator', 'secretariat'],
  'version:create': ['negotiator', 'secretariat'],
  'annotation:create': ['negotiator', 'delegate', 'signatory', 'secretariat', 'chair'],
  'amendment:table': ['negotiator', 'delegate'],
  'amendment:merge': ['negotiator', 'secretariat'],
  'amendment:decide': ['secretariat', 'chair'],
  'vote:open': ['secretariat'],
  'vote:cast': ['negotiator', 'delegate'],
  'position:declare': ['negotiator', 'delegate', 'signatory'],
  'session:manage': ['secretariat'],
  'signature:manage': ['secretariat'],
  'signature:sign': ['signatory'],
  'members:manage': ['secretariat'],
  'delegation:read': ALL_READERS,
  'export:download': ALL_READERS,
};

/** Whether any of the roles allows the action. */
export function rolesAllow(roles: readonly Role[], action: Action): boolean {
  const allowed = PERMISSIONS[action];
  return roles.some((role) => allowed.includes(role));
}

/**
 * Actions taken in the name of one organisation: the actor may take them only for the
 * organisation they hold a mandate from ("one organisation speaks with one voice").
 */
export const ORG_SCOPED_ACTIONS: readonly Action[] = [
  'amendment:table',
  'vote:cast',
  'position:declare',
  'signature:sign',
  'delegation:read',
];

/** Whether roles held for `actorOrg` allow the action when it targets `targetOrg`. */
export function rolesAllowFor(roles: readonly Role[], action: Action, actorOrg: string, targetOrg: string): boolean {
  if (!rolesAllow(roles, action)) return false;
  return !ORG_SCOPED_ACTIONS.includes(action) || actorOrg === targetOrg;
}
