import { describe, expect, it } from 'vitest';
import {
  formatHundredths,
  majorityOf,
  tallyVote,
  toHundredths,
  type Ballot,
  type VoteChoice,
  type VoteRule,
  type VotingOrganisation,
} from '../../shared/votes/tally.ts';
import { DOMAIN_PARTIES } from '../helpers/domain-example.ts';

// The branch arrêté of 22 December 2017, and the employer confederation alone on its side (DOMAIN.md's example).
const BASS: VotingOrganisation[] = DOMAIN_PARTIES;

function ballots(choices: Record<string, VoteChoice>): Ballot[] {
  return Object.entries(choices).map(([org, choice]) => ({ org, choice }));
}

interface Case {
  name: string;
  rule: VoteRule;
  orgs?: VotingOrganisation[];
  choices: Record<string, VoteChoice>;
  adopted: boolean;
  union?: { pour: number; contre: number; expressed: number; inFavour: boolean };
  employerInFavour?: boolean;
}

const cases: Case[] = [
  {
    name: 'double majority: the employer and CFDT + CGT in favour is adopted',
    rule: 'double-majority',
    choices: { axess: 'pour', cfdt: 'pour', cgt: 'pour', fo: 'contre', sud: 'contre' },
    adopted: true,
    union: { pour: 7368, contre: 2632, expressed: 10000, inFavour: true },
    employerInFavour: true,
  },
  {
    name: 'double majority: the 2023 story, CFDT alone for the unions, is rejected',
    rule: 'double-majority',
    choices: { axess: 'pour', cfdt: 'pour', cgt: 'contre', fo: 'contre', sud: 'contre' },
    adopted: false,
    union: { pour: 3850, contre: 6150, expressed: 10000, inFavour: false },
    employerInFavour: true,
  },
  {
    name: 'double majority: an employer college of one organisation voting contre blocks',
    rule: 'double-majority',
    choices: { axess: 'contre', cfdt: 'pour', cgt: 'pour', fo: 'pour', sud: 'pour' },
    adopted: false,
    employerInFavour: false,
  },
  {
    name: 'double majority: an employer college of one organisation abstaining expresses nothing',
    rule: 'double-majority',
    choices: { axess: 'abstention', cfdt: 'pour', cgt: 'pour', fo: 'pour', sud: 'pour' },
    adopted: false,
    employerInFavour: false,
  },
  {
    name: 'abstentions are not expressed: CFDT pour against SUD contre, CGT and FO abstaining, is a majority',
    rule: 'union-weighted',
    choices: { cfdt: 'pour', cgt: 'abstention', fo: 'abstention', sud: 'contre' },
    adopted: true,
    union: { pour: 3850, contre: 1163, expressed: 5013, inFavour: true },
  },
  {
    name: 'ne prend pas part is not expressed either',
    rule: 'union-weighted',
    choices: { cfdt: 'ne prend pas part', cgt: 'pour', fo: 'contre', sud: 'ne prend pas part' },
    adopted: true,
    union: { pour: 3518, contre: 1469, expressed: 4987, inFavour: true },
  },
  {
    name: 'an organisation without a ballot counts as not taking part',
    rule: 'union-weighted',
    choices: { fo: 'pour', sud: 'contre' },
    adopted: true,
    union: { pour: 1469, contre: 1163, expressed: 2632, inFavour: true },
  },
  {
    name: 'an exact tie in weight is no majority',
    rule: 'union-weighted',
    orgs: [
      { id: 'a', shortName: 'A', college: 'union', weight: 50 },
      { id: 'b', shortName: 'B', college: 'union', weight: 50 },
    ],
    choices: { a: 'pour', b: 'contre' },
    adopted: false,
    union: { pour: 5000, contre: 5000, expressed: 10000, inFavour: false },
  },
  {
    name: 'a tie made of decimals is summed exactly (35.18 + 14.69 + 0.13 against 50.00)',
    rule: 'union-weighted',
    orgs: [
      { id: 'a', shortName: 'A', college: 'union', weight: 35.18 },
      { id: 'b', shortName: 'B', college: 'union', weight: 14.69 },
      { id: 'c', shortName: 'C', college: 'union', weight: 0.13 },
      { id: 'd', shortName: 'D', college: 'union', weight: 50 },
    ],
    choices: { a: 'pour', b: 'pour', c: 'pour', d: 'contre' },
    adopted: false,
    union: { pour: 5000, contre: 5000, expressed: 10000, inFavour: false },
  },
  {
    name: 'one hundredth more than the other side is a majority',
    rule: 'union-weighted',
    orgs: [
      { id: 'a', shortName: 'A', college: 'union', weight: 50.01 },
      { id: 'b', shortName: 'B', college: 'union', weight: 49.99 },
    ],
    choices: { a: 'pour', b: 'contre' },
    adopted: true,
    union: { pour: 5001, contre: 4999, expressed: 10000, inFavour: true },
  },
  {
    name: 'all abstain: no majority, not adopted',
    rule: 'double-majority',
    choices: { axess: 'abstention', cfdt: 'abstention', cgt: 'abstention', fo: 'abstention', sud: 'abstention' },
    adopted: false,
    union: { pour: 0, contre: 0, expressed: 0, inFavour: false },
    employerInFavour: false,
  },
  {
    name: 'union-weighted ignores the employer college',
    rule: 'union-weighted',
    choices: { axess: 'contre', cfdt: 'pour', cgt: 'pour', fo: 'contre', sud: 'contre' },
    adopted: true,
  },
  {
    name: 'a non-representative organisation weighs 0: its pour alone is no majority',
    rule: 'union-weighted',
    orgs: [...BASS, { id: 'cftc', shortName: 'CFTC', college: 'union', weight: 0 }],
    choices: { cftc: 'pour' },
    adopted: false,
    union: { pour: 0, contre: 0, expressed: 0, inFavour: false },
  },
  {
    name: 'consensus: nobody against, one pour, the rest abstaining, is adopted',
    rule: 'consensus',
    choices: { axess: 'pour', cfdt: 'abstention', cgt: 'abstention', fo: 'ne prend pas part', sud: 'abstention' },
    adopted: true,
  },
  {
    name: 'consensus: one contre, even the smallest, blocks',
    rule: 'consensus',
    choices: { axess: 'pour', cfdt: 'pour', cgt: 'pour', fo: 'pour', sud: 'contre' },
    adopted: false,
  },
  {
    name: 'consensus: a non-representative organisation voting contre also blocks',
    rule: 'consensus',
    orgs: [...BASS, { id: 'cftc', shortName: 'CFTC', college: 'union', weight: 0 }],
    choices: { axess: 'pour', cfdt: 'pour', cgt: 'pour', fo: 'pour', sud: 'pour', cftc: 'contre' },
    adopted: false,
  },
  {
    name: 'consensus: all abstain decides nothing',
    rule: 'consensus',
    choices: { axess: 'abstention', cfdt: 'abstention', cgt: 'abstention', fo: 'abstention', sud: 'abstention' },
    adopted: false,
  },
];

describe('tallying an indicative vote', () => {
  it.each(cases)('$name', ({ rule, orgs, choices, adopted, union, employerInFavour }) => {
    const sut = tallyVote(rule, orgs ?? BASS, ballots(choices));
    expect(sut.adopted).toBe(adopted);
    if (union) {
      const { pour, contre, expressed, inFavour } = sut.colleges.union;
      expect({ pour, contre, expressed, inFavour }).toEqual(union);
    }
    if (employerInFavour !== undefined) expect(sut.colleges.employer.inFavour).toBe(employerInFavour);
    expect(sut.reasons.length).toBeGreaterThan(0);
  });

  it('names every organisation’s ballot, and who cast it, absent ones as null', () => {
    const sut = tallyVote('double-majority', BASS, [
      { org: 'cfdt', choice: 'pour', castBy: { userId: 'u1', name: 'Claire' } },
      { org: 'cgt', choice: 'contre' },
    ]);
    expect(sut.ballots.map((b) => [b.shortName, b.choice])).toEqual([
      ['AXESS', null],
      ['CFDT', 'pour'],
      ['CGT', 'contre'],
      ['FO', null],
      ['SUD', null],
    ]);
    expect(sut.ballots[1].castBy).toEqual({ userId: 'u1', name: 'Claire' });
    expect(sut.colleges.union.counts).toEqual({ pour: 1, contre: 1, abstention: 0, 'ne prend pas part': 0, absent: 2 });
    expect(sut.colleges.union.absent).toBe(2632);
  });

  it('freezes the weights in force, in hundredths', () => {
    const sut = tallyVote('union-weighted', BASS, []);
    expect(sut.frozenWeights).toEqual({ axess: 10000, cfdt: 3850, cgt: 3518, fo: 1469, sud: 1163 });
    expect(sut.colleges.union.totalWeight).toBe(10000);
  });

  it('a changed ballot replaces the first one', () => {
    const sut = tallyVote('union-weighted', BASS, ballots({ cfdt: 'contre' }).concat(ballots({ cfdt: 'pour' })));
    expect(sut.colleges.union.pour).toBe(3850);
    expect(sut.colleges.union.contre).toBe(0);
  });

  it('ignores ballots of organisations that are not parties to the vote', () => {
    const sut = tallyVote('consensus', BASS, ballots({ axess: 'pour', stranger: 'contre' }));
    expect(sut.adopted).toBe(true);
    expect(sut.ballots.some((b) => b.org === 'stranger')).toBe(false);
  });

  it('states the threshold: strictly more than half of the weight expressed', () => {
    expect(majorityOf(10000)).toBe(5001);
    expect(majorityOf(5013)).toBe(2507);
    expect(majorityOf(0)).toBe(1);
    expect(tallyVote('double-majority', BASS, []).threshold).toMatch(/majorité/);
  });

  it('sums decimals exactly and formats them the French way', () => {
    expect(toHundredths(35.18)).toBe(3518);
    expect(toHundredths(0.1) + toHundredths(0.2)).toBe(30);
    expect(formatHundredths(3850)).toBe('38,50\u202f%');
    expect(formatHundredths(5)).toBe('0,05\u202f%');
  });
});

describe('the named ballots', () => {
  it('are listed in the negotiation’s order of its parties, whatever the order they were stored in (CFE-CGC before CFTC)', () => {
    // The order the organisations were stored in: CFTC joined before CFE-CGC.
    const stored: VotingOrganisation[] = [
      { id: 'sud', shortName: 'SUD', college: 'union', weight: 11.63 },
      { id: 'cftc', shortName: 'CFTC', college: 'union', weight: 0 },
      { id: 'cfe-cgc', shortName: 'CFE-CGC', college: 'union', weight: 0 },
      { id: 'cfdt', shortName: 'CFDT', college: 'union', weight: 38.5 },
      { id: 'axess', shortName: 'AXESS', college: 'employer', weight: 100 },
    ];
    const sut = tallyVote('consensus', stored, ballots({ cfdt: 'pour' }));
    expect(sut.ballots.map((b) => b.shortName)).toEqual(['AXESS', 'CFDT', 'SUD', 'CFE-CGC', 'CFTC']);
  });
});
