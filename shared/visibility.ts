import { z } from 'zod';
import type { College } from './access.ts';

/**
 * Who may see an event. The server filters every broadcast and every catch-up by it:
 * a delegation's private work never reaches another organisation.
 */
export const VisibilitySchema = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('committee') }),
  z.object({ scope: z.literal('college'), college: z.enum(['employer', 'union']) }),
  z.object({ scope: z.literal('delegation'), org: z.string().min(1) }),
  z.object({ scope: z.literal('private'), user: z.string().min(1) }),
  z.object({ scope: z.literal('governance'), org: z.string().min(1) }),
  z.object({ scope: z.literal('membership'), org: z.string().min(1) }),
]);
export type Visibility = z.infer<typeof VisibilitySchema>;

export const COMMITTEE: Visibility = { scope: 'committee' };

/**
 * Who governs an organisation's people: its lead (who invites and grants roles) and the
 * secretariat (who convenes every delegation and may suspend a mandate). An invitation names a
 * person's address: it reaches these readers, never the other delegates nor another organisation.
 */
export function governance(org: string): Visibility {
  return { scope: 'governance', org };
}

/**
 * Who reads who sits in a delegation and with which mandate: that delegation and the secretariat
 * (which oversees every delegation's members), never another organisation. Changes of mandate
 * (joined, roles changed, revoked, suspended, reinstated) carry it; they name no address.
 */
export function membership(org: string): Visibility {
  return { scope: 'membership', org };
}

/** Who looks: the user, the organisation of their mandate, its side of the table. */
export interface Viewer {
  userId: string;
  orgId: string;
  /** `neutral`: the presidency or an observer, on neither side. */
  college: College | 'neutral';
  /** The roles of their mandate, for the `governance` scope; a viewer without them sees none of it. */
  roles?: readonly string[];
}

type Scope = Visibility['scope'];
/** What identifies one audience of a scope (`{ org }` for a delegation), or nothing for the committee. */
type AudienceFields<S extends Scope> = Omit<Extract<Visibility, { scope: S }>, 'scope'>;

/**
 * For each scope, the audiences of it a viewer belongs to: the fields a visibility of that scope
 * must have for the viewer to see it (`{}`: every visibility of the scope), or null for none.
 * A mapped type over the scopes: a scope added to VisibilitySchema without its rule here fails
 * the type check, and `canSee` and every database filter (`visibilityFilter`) are read from
 * this one table, so no filter can forget a scope.
 */
const AUDIENCES: { [S in Scope]: (viewer: Viewer) => Partial<AudienceFields<S>> | null } = {
  committee: () => ({}),
  // The presidency (neutral) sits on neither side.
  college: (viewer) => (viewer.college === 'neutral' ? null : { college: viewer.college }),
  delegation: (viewer) => ({ org: viewer.orgId }),
  private: (viewer) => ({ user: viewer.userId }),
  // The secretariat governs every delegation's people with them; a lead only their own.
  governance: (viewer) => (viewer.roles?.includes('secretariat') ? {} : viewer.roles?.includes('lead') ? { org: viewer.orgId } : null),
  membership: (viewer) => (viewer.roles?.includes('secretariat') ? {} : { org: viewer.orgId }),
};

/** Every scope a visibility may have, in the schema's order. */
export const SCOPES: readonly Scope[] = VisibilitySchema.options.map((option) => option.shape.scope.value);

/**
 * What a viewer may see, one clause per scope they see anything of: `{ scope, ...fields }`,
 * each field to be equal. The database filters of the catch-up and of the read models are
 * written from it (`visibility.<field>` equal to the value), so they agree with `canSee`.
 */
export function visibilityFilter(viewer: Viewer): { scope: Scope; fields: Record<string, string> }[] {
  return SCOPES.flatMap((scope) => {
    const fields = (AUDIENCES[scope] as (viewer: Viewer) => Record<string, string> | null)(viewer);
    return fields ? [{ scope, fields }] : [];
  });
}

/**
 * Whether a viewer may see something of this visibility. The one predicate behind every
 * broadcast and every catch-up: a delegation's notes reach only that delegation, a
 * college's only that side; the presidency (neutral) sees committee material only.
 * An unknown scope (a newer server, a corrupt record) is shown to nobody.
 */
export function canSee(viewer: Viewer, visibility: Visibility): boolean {
  if (!Object.hasOwn(AUDIENCES, visibility.scope)) return false;
  const fields = (AUDIENCES[visibility.scope] as (viewer: Viewer) => Record<string, string> | null)(viewer);
  if (!fields) return false;
  const held = visibility as unknown as Record<string, unknown>;
  return Object.entries(fields).every(([field, value]) => held[field] === value);
}
