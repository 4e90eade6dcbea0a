/**
 * The one order in which a negotiation lists its parties, wherever they are listed (the
 * negotiation's page, the attendance form, the projector, the minutes and their files):
 * employers, then unions by weight (heaviest first, then by name), then the presidency.
 */

export interface OrderedParty {
  shortName: string;
  college: 'employer' | 'union' | 'neutral';
  weight: number;
}

const COLLEGE_ORDER: Record<OrderedParty['college'], number> = { employer: 0, union: 1, neutral: 2 };

/** The parties in the negotiation's order (a copy; the given list is left as it is). */
export function orderParties<T extends OrderedParty>(parties: readonly T[]): T[] {
  return [...parties].sort(
    (a, b) => COLLEGE_ORDER[a.college] - COLLEGE_ORDER[b.college] || b.weight - a.weight || a.shortName.localeCompare(b.shortName),
  );
}
