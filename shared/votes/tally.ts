import { z } from 'zod';
import { COLLEGES, type College } from '../access.ts';
import { orderParties } from '../parties.ts';
import { VOTE_RULES, type VoteRule } from './vote-rules.ts';
import { COLLEGE_NAMES_FR, THRESHOLDS_FR, TALLY_REASONS_FR, writeTallyReason, type TallyReason, type TallyReasonWriter } from './tally-reasons.ts';

export type { TallyReason } from './tally-reasons.ts';

/**
 * Indicative votes during a negotiation (DOMAIN, "Votes"): one ballot per organisation,
 * a rule chosen per vote, named results, weights frozen when the vote closes.
 *
 * Weights are summed as integers in hundredths of a percent (38.50 → 3850): published
 * arrêtés have two decimals, and a float sum (35.18 + 14.69 + …) must never decide a vote
 * by a rounding error.
 *
 * How a college decides (`double-majority`, `union-weighted`), after paritaire practice
 * and the French rule of the « majorité des suffrages exprimés »:
 * - only `pour` and `contre` are expressed votes. `abstention`, `ne prend pas part` and an
 *   organisation that cast no ballot neither help nor block; they are reported, not counted;
 * - a college is in favour when the weight voting `pour` is strictly greater than half of
 *   the weight expressed (pour + contre) — equivalently, pour > contre;
 * - a tie is not a majority: the college is not in favour;
 * - a college where nothing was expressed (everyone abstained, nobody voted, or only
 *   organisations weighing 0 voted) is not in favour: there is no majority to speak of;
 * - an organisation weighing 0 (not representative) is named in the result, but its
 *   ballot weighs nothing.
 * `consensus` counts organisations, not weights: adopted when no organisation votes
 * `contre` and at least one votes `pour` (a text nobody supports is not agreed; an
 * all-abstention vote decides nothing).
 */

export const VOTE_CHOICES = ['pour', 'contre', 'abstention', 'ne prend pas part'] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

export { VOTE_RULES, type VoteRule } from './vote-rules.ts';

export const VoteChoiceSchema = z.enum(VOTE_CHOICES);
export const VoteRuleSchema = z.enum(VOTE_RULES);

/** An organisation entitled to vote, with the weight in force (percent, two decimals). */
export interface VotingOrganisation {
  id: string;
  shortName: string;
  college: College;
  weight: number;
}

/** The organisation's ballot, and who cast it for the organisation. */
export interface Ballot {
  org: string;
  choice: VoteChoice;
  castBy?: { userId: string; name: string };
  at?: string;
}

export interface NamedBallot {
  org: string;
  shortName: string;
  college: College;
  /** Frozen weight, in hundredths of a percent. */
  weight: number;
  /** `null`: the organisation cast no ballot. */
  choice: VoteChoice | null;
  castBy: { userId: string; name: string } | null;
}

/** One college's figures. Every weight is in hundredths of a percent. */
export interface CollegeTally {
  college: College;
  organisations: number;
  /** Weight of the college's organisations (all of them, voting or not). */
  totalWeight: number;
  pour: number;
  contre: number;
  abstention: number;
  nePrendPasPart: number;
  /** Weight of the organisations that cast no ballot. */
  absent: number;
  /** pour + contre: the weight that decides. */
  expressed: number;
  /** The `pour` weight needed for a majority: strictly more than half of `expressed`. */
  majorityThreshold: number;
  inFavour: boolean;
  /** Counts of organisations per choice (and `absent`). */
  counts: Record<VoteChoice | 'absent', number>;
}

export interface TallyResult {
  rule: VoteRule;
  adopted: boolean;
  /** What it took, in words (French first, for the minutes). */
  threshold: string;
  colleges: Record<College, CollegeTally>;
  ballots: NamedBallot[];
  /** The weights in force when the vote closed: org id → hundredths of a percent. */
  frozenWeights: Record<string, number>;
  /** Why the vote went the way it did, in French. */
  reasons: string[];
}

/** 38.5 → 3850. Published weights have two decimals; the float noise of `35.18 * 100` is rounded away. */
export function toHundredths(percent: number): number {
  return Math.round(percent * 100);
}

/** 3850 → "38,50 %" (French decimal comma, narrow no-break space before %). */
export function formatHundredths(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}\u202f%`;
}

/** Strictly more than half of `expressed`, in whole hundredths. */
export function majorityOf(expressed: number): number {
  return Math.floor(expressed / 2) + 1;
}

function emptyCollege(college: College): CollegeTally {
  return {
    college,
    organisations: 0,
    totalWeight: 0,
    pour: 0,
    contre: 0,
    abstention: 0,
    nePrendPasPart: 0,
    absent: 0,
    expressed: 0,
    majorityThreshold: 1,
    inFavour: false,
    counts: { pour: 0, contre: 0, abstention: 0, 'ne prend pas part': 0, absent: 0 },
  };
}

/** The reasons of a tally, derived from its figures alone (so a result stored before the codes has them too). */
export function tallyReasons(result: Pick<TallyResult, 'rule' | 'colleges' | 'ballots'>): TallyReason[] {
  const describe = (c: CollegeTally): TallyReason => {
    const college = c.college;
    if (c.organisations === 0) return { code: 'college.empty', params: { college } };
    if (c.expressed === 0) return { code: 'college.nothing-expressed', params: { college } };
    const figures = { college, pour: c.pour, contre: c.contre, majority: c.majorityThreshold };
    if (c.inFavour) return { code: 'college.in-favour', params: figures };
    if (c.pour === c.contre) return { code: 'college.tied', params: figures };
    return { code: 'college.not-in-favour', params: figures };
  };
  switch (result.rule) {
    case 'double-majority':
      return [describe(result.colleges.employer), describe(result.colleges.union)];
    case 'union-weighted':
      return [describe(result.colleges.union)];
    case 'consensus': {
      const against = result.ballots.filter((b) => b.choice === 'contre').map((b) => b.shortName);
      if (against.length > 0) return [{ code: 'consensus.against', params: { orgs: against } }];
      if (!result.ballots.some((b) => b.choice === 'pour')) return [{ code: 'consensus.nobody-for', params: {} }];
      return [{ code: 'consensus.reached', params: {} }];
    }
  }
}

/** The French writer: the result's `reasons`, as the minutes and the exports print them. */
const FRENCH: TallyReasonWriter = {
  template: (code) => TALLY_REASONS_FR[code],
  college: (college) => COLLEGE_NAMES_FR[college],
  percent: formatHundredths,
  list: (orgs) => ({ orgs: orgs.join(', '), s: orgs.length > 1 ? 'nt' : '' }),
};

export function frenchTallyReason(reason: TallyReason): string {
  return writeTallyReason(reason, FRENCH);
}

/**
 * Tallies an indicative vote. Pure: the organisations carry the weights in force, which
 * the result freezes. Ballots of organisations not listed are ignored (they are not
 * parties to the vote); a second ballot of the same organisation replaces the first.
 */
export function tallyVote(rule: VoteRule, organisations: readonly VotingOrganisation[], ballots: readonly Ballot[]): TallyResult {
  const latest = new Map<string, Ballot>();
  for (const ballot of ballots) latest.set(ballot.org, ballot);

  const colleges: Record<College, CollegeTally> = { employer: emptyCollege('employer'), union: emptyCollege('union') };
  const named: NamedBallot[] = [];
  const frozenWeights: Record<string, number> = {};

  // The ballots are named in the negotiation's order of its parties, as every list of them is.
  for (const org of orderParties(organisations)) {
    const weight = toHundredths(org.weight);
    frozenWeights[org.id] = weight;
    const ballot = latest.get(org.id);
    const choice = ballot?.choice ?? null;
    named.push({
      org: org.id,
      shortName: org.shortName,
      college: org.college,
      weight,
      choice,
      castBy: ballot?.castBy ?? null,
    });
    const c = colleges[org.college];
    c.organisations += 1;
    c.totalWeight += weight;
    if (choice === 'pour') c.pour += weight;
    else if (choice === 'contre') c.contre += weight;
    else if (choice === 'abstention') c.abstention += weight;
    else if (choice === 'ne prend pas part') c.nePrendPasPart += weight;
    else c.absent += weight;
    c.counts[choice ?? 'absent'] += 1;
  }

  for (const college of COLLEGES) {
    const c = colleges[college];
    c.expressed = c.pour + c.contre;
    c.majorityThreshold = majorityOf(c.expressed);
    c.inFavour = c.expressed > 0 && c.pour >= c.majorityThreshold;
  }

  let adopted: boolean;
  switch (rule) {
    case 'double-majority':
      adopted = colleges.employer.inFavour && colleges.union.inFavour;
      break;
    case 'union-weighted':
      adopted = colleges.union.inFavour;
      break;
    case 'consensus':
      adopted = !named.some((b) => b.choice === 'contre') && named.some((b) => b.choice === 'pour');
      break;
  }
  const reasons = tallyReasons({ rule, colleges, ballots: named }).map(frenchTallyReason);

  return { rule, adopted, threshold: THRESHOLDS_FR[rule], colleges, ballots: named, frozenWeights, reasons };
}
