/**
 * Who may do what in a negotiation: the permission matrix, role × action.
 * The server's access module decides every permission from this table; the client
 * reads it only to hide what the user may not do.
 */
export const ROLES = ['negotiator', 'delegate', 'signatory', 'secretariat', 'chair', 'observer', 'lead'] as const;
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
  'delegation:manage', // the delegation lead: invite into, grant roles in, revoke from, reset passwords of one's own organisation
  'members:oversee', // the secretariat: see every delegation's members, invite an organisation's first lead, suspend a mandate
  'delegation:read', // see who sits for one's own organisation (org-scoped)
  'export:download', // download exports of versions and minutes
  'session:chair', // conduct a session's debate: reorder its agenda (the presidency, with the secretariat)
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
  'delegation:manage': ['lead'],
  'members:oversee': ['secretariat'],
  'delegation:read': ALL_READERS,
  'export:download': ALL_READERS,
  'session:chair': ['secretariat', 'chair'],
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
  'delegation:manage',
];

/** Whether roles held for `actorOrg` allow the action when it targets `targetOrg`. */
export function rolesAllowFor(roles: readonly Role[], action: Action, actorOrg: string, targetOrg: string): boolean {
  if (!rolesAllow(roles, action)) return false;
  return !ORG_SCOPED_ACTIONS.includes(action) || actorOrg === targetOrg;
}

/**
 * Which organisations a role may be held in. The pen on the text (`negotiator`) is the
 * employer side's; the presidency (`chair`) is the neutral organisation's; the secretariat is
 * held by a party that convenes the committee (in the branch, the employer side). A lead can
 * only grant roles that fit their organisation, so no delegation can give itself a power
 * that belongs to another side of the table.
 */
export const ROLE_COLLEGES: Record<Role, readonly (College | 'neutral')[]> = {
  negotiator: ['employer'],
  delegate: ['employer', 'union'],
  signatory: ['employer', 'union'],
  secretariat: ['employer'],
  chair: ['neutral'],
  observer: ['employer', 'union', 'neutral'],
  lead: ['employer', 'union', 'neutral'],
};

/** Who grants a role, in which organisation: the two ways a mandate's roles may change. */
export interface Granter {
  roles: readonly Role[];
  orgId: string;
}

/**
 * Whether `granter` may give or take away `role` for a member of `target`. Each organisation
 * governs its own people: its lead grants every role that fits it (signatory included, which
 * nobody else can grant); the secretariat role is passed on by a secretariat within its own
 * organisation. Nobody grants anything in another organisation.
 */
export function mayGrant(granter: Granter, target: { orgId: string; college: College | 'neutral' }, role: Role): boolean {
  if (granter.orgId !== target.orgId || !ROLE_COLLEGES[role].includes(target.college)) return false;
  if (role === 'secretariat') return granter.roles.includes('secretariat');
  return granter.roles.includes('lead');
}

/** What a mandate governs of the table's members: every delegation, its own organisation, or neither. */
export interface MembersGovernance {
  /** The secretariat (`members:oversee`): sees every delegation, invites a first lead, suspends a mandate. */
  oversee: boolean;
  /** The organisation whose people the mandate governs (its lead, `delegation:manage`), or null. */
  leads: string | null;
}

/**
 * What `mandate` governs of the members, from its roles: the members view answers it, and the
 * members page follows it as the reader's own roles change (a lead whose lead role is taken
 * back loses the controls at once). With neither, the members screen is refused.
 */
export function membersGovernance(mandate: Granter): MembersGovernance {
  return {
    oversee: rolesAllow(mandate.roles, 'members:oversee'),
    leads: rolesAllowFor(mandate.roles, 'delegation:manage', mandate.orgId, mandate.orgId) ? mandate.orgId : null,
  };
}

/**
 * The one invitation the secretariat makes into another organisation: its first lead, with
 * the lead role only, while the organisation has nobody at the table (the server checks that).
 * From then on the organisation invites its own people.
 */
export function isFirstLeadInvitation(roles: readonly Role[]): boolean {
  return roles.length === 1 && roles[0] === 'lead';
}

/** Whether a pending invitation may be cancelled by who governs so: its organisation's lead, or the secretariat for a first lead's. */
export function mayCancelInvitation(governing: MembersGovernance, invitation: { organisationId: string | null; roles: readonly Role[] }): boolean {
  const own = invitation.organisationId !== null && invitation.organisationId === governing.leads;
  return own || (governing.oversee && isFirstLeadInvitation(invitation.roles));
}
