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

/** Who looks: the user, the organisation of their mandate, its side of the table. */
export interface Viewer {
  userId: string;
  orgId: string;
  /** `neutral`: the presidency or an observer, on neither side. */
  college: College | 'neutral';
  /** The roles of their mandate, for the `governance` scope; a viewer without them sees none of it. */
  roles?: readonly string[];
}

/**
 * Whether a viewer may see something of this visibility. The one predicate behind every
 * broadcast and every catch-up: a delegation's notes reach only that delegation, a
 * college's only that side; the presidency (neutral) sees committee material only.
 */
export function canSee(viewer: Viewer, visibility: Visibility): boolean {
  switch (visibility.scope) {
    case 'committee':
      return true;
    case 'college':
      return viewer.college === visibility.college;
    case 'delegation':
      return viewer.orgId === visibility.org;
    case 'private':
      return viewer.userId === visibility.user;
    case 'governance':
      return viewer.roles?.includes('secretariat') === true || (viewer.orgId === visibility.org && viewer.roles?.includes('lead') === true);
    default:
      // An unknown scope (a newer server, a corrupt record) is shown to nobody.
      return false;
  }
}
