import { rolesAllow, rolesAllowFor, type Action, type Role } from '../access.ts';

/**
 * The life of an amendment (DOMAIN, "Amendments"):
 *
 *   draft ──table──▶ tabled ──discuss──▶ under discussion ──adopt──▶ adopted ──merge──▶ merged
 *     │                 │                     ├──reject──▶ rejected
 *     └────withdraw─────┴───────withdraw──────┴──withdraw──▶ withdrawn
 *
 * - Drafting, tabling and withdrawing belong to the organisation that wrote the amendment
 *   (`amendment:table`, in its own name only): another organisation cannot table or
 *   withdraw it for them. Withdrawal is possible until the committee has decided.
 * - Putting under discussion, declaring adopted or rejected is the secretariat's or the
 *   chair's (`amendment:decide`); a decision is taken on an amendment under discussion,
 *   never straight from the table.
 * - Merging an adopted amendment into the live text is the pen-holder's (`amendment:merge`),
 *   or the system's when its target still matches.
 * `adopted` is not final (it still has to be merged); `rejected`, `withdrawn` and `merged` are.
 */

export const AMENDMENT_STATUSES = ['draft', 'tabled', 'under discussion', 'adopted', 'rejected', 'withdrawn', 'merged'] as const;
export type AmendmentStatus = (typeof AMENDMENT_STATUSES)[number];

export const AMENDMENT_TRANSITIONS = ['table', 'discuss', 'adopt', 'reject', 'withdraw', 'merge'] as const;
export type AmendmentTransition = (typeof AMENDMENT_TRANSITIONS)[number];

interface TransitionRule {
  from: readonly AmendmentStatus[];
  to: AmendmentStatus;
  action: Action;
  /** Taken in the author organisation's name: only that organisation's mandate holders may. */
  authorOnly: boolean;
  /** The event appended when it happens (past tense). */
  event: string;
}

export const LIFECYCLE: Record<AmendmentTransition, TransitionRule> = {
  table: { from: ['draft'], to: 'tabled', action: 'amendment:table', authorOnly: true, event: 'amendment:tabled' },
  discuss: {
    from: ['tabled'],
    to: 'under discussion',
    action: 'amendment:decide',
    authorOnly: false,
    event: 'amendment:discussed',
  },
  adopt: { from: ['under discussion'], to: 'adopted', action: 'amendment:decide', authorOnly: false, event: 'amendment:adopted' },
  reject: { from: ['under discussion'], to: 'rejected', action: 'amendment:decide', authorOnly: false, event: 'amendment:rejected' },
  withdraw: {
    from: ['draft', 'tabled', 'under discussion'],
    to: 'withdrawn',
    action: 'amendment:table',
    authorOnly: true,
    event: 'amendment:withdrawn',
  },
  merge: { from: ['adopted'], to: 'merged', action: 'amendment:merge', authorOnly: false, event: 'amendment:merged' },
};

/** Where an amendment's story ends: nothing moves it on any more. */
export const FINAL_STATUSES: readonly AmendmentStatus[] = ['rejected', 'withdrawn', 'merged'];
/** An amendment still to be decided or applied: it may compete with another on the same words. */
export const LIVE_STATUSES: readonly AmendmentStatus[] = ['draft', 'tabled', 'under discussion', 'adopted'];
/** An amendment before the committee: what a position or a vote may be taken on. */
export const DEBATED_STATUSES: readonly AmendmentStatus[] = ['tabled', 'under discussion', 'adopted'];

/** The amendments put to a vote: those the committee is deciding on. */
export const VOTABLE_STATUSES: readonly AmendmentStatus[] = ['tabled', 'under discussion'];
export const isFinal = (status: AmendmentStatus): boolean => FINAL_STATUSES.includes(status);
export const isLive = (status: AmendmentStatus): boolean => LIVE_STATUSES.includes(status);
export const isVotable = (status: AmendmentStatus): boolean => VOTABLE_STATUSES.includes(status);

/** The status a transition leads to from `status`, or null when it is not allowed from there. */
export function nextStatus(status: AmendmentStatus, transition: AmendmentTransition): AmendmentStatus | null {
  const rule = LIFECYCLE[transition];
  return rule.from.includes(status) ? rule.to : null;
}

/** The transitions possible from a status, whoever asks. */
export function transitionsFrom(status: AmendmentStatus): AmendmentTransition[] {
  return AMENDMENT_TRANSITIONS.filter((t) => LIFECYCLE[t].from.includes(status));
}

/** Who asks: the roles of their mandate and the organisation it is for; `system` for automatic merges. */
export type LifecycleActor = { roles: readonly Role[]; orgId: string } | 'system';

export type TransitionCheck =
  | { ok: true; to: AmendmentStatus; event: string }
  | { ok: false; reason: 'invalid-transition' | 'forbidden'; message: string };

/**
 * Whether `actor` may apply `transition` to an amendment in `status` written by `authorOrg`.
 * The state is checked before the actor, so a refused move says what is wrong with it.
 */
export function checkTransition(
  amendment: { status: AmendmentStatus; authorOrg: string },
  transition: AmendmentTransition,
  actor: LifecycleActor,
): TransitionCheck {
  const rule = LIFECYCLE[transition];
  const to = nextStatus(amendment.status, transition);
  if (!to) {
    return {
      ok: false,
      reason: 'invalid-transition',
      message: `Un amendement « ${amendment.status} » ne peut pas être ${PAST_PARTICIPLE[transition]}.`,
    };
  }
  if (actor === 'system') {
    // The system merges an adopted amendment whose target still matches; nothing else.
    if (transition !== 'merge') return { ok: false, reason: 'forbidden', message: 'Action réservée aux délégations.' };
    return { ok: true, to, event: rule.event };
  }
  const allowed = rule.authorOnly
    ? rolesAllowFor(actor.roles, rule.action, actor.orgId, amendment.authorOrg)
    : rolesAllow(actor.roles, rule.action);
  if (!allowed) {
    return {
      ok: false,
      reason: 'forbidden',
      message: rule.authorOnly && rolesAllow(actor.roles, rule.action)
        ? 'Seule l’organisation qui a rédigé l’amendement peut le faire.'
        : 'Votre mandat ne permet pas cette action.',
    };
  }
  return { ok: true, to, event: rule.event };
}

/** The transitions this actor may apply now: what the client offers as buttons. */
export function availableTransitions(
  amendment: { status: AmendmentStatus; authorOrg: string },
  actor: LifecycleActor,
): AmendmentTransition[] {
  return transitionsFrom(amendment.status).filter((t) => checkTransition(amendment, t, actor).ok);
}

const PAST_PARTICIPLE: Record<AmendmentTransition, string> = {
  table: 'déposé',
  discuss: 'mis en discussion',
  adopt: 'adopté',
  reject: 'rejeté',
  withdraw: 'retiré',
  merge: 'intégré au texte',
};
