/** The rules a vote is decided by (their arithmetic: tally.ts; their wording: tally-reasons.ts). */
export const VOTE_RULES = ['double-majority', 'union-weighted', 'consensus'] as const;
export type VoteRule = (typeof VOTE_RULES)[number];
