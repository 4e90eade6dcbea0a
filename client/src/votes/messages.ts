import { COLLEGE_NAMES_FR, THRESHOLDS_FR, TALLY_REASONS_FR, type TallyReasonCode } from '../../../shared/votes/tally-reasons.ts';
import type { VoteRule } from '../../../shared/votes/tally.ts';
import { defineMessages } from '../lib/messages.ts';

/**
 * Why a vote went the way it did (shared/votes/tally-reasons.ts), keyed `vote.reason.<code>`:
 * the French wording is the one the minutes print; the English keeps every figure of it
 * (test/unit/vote-reasons-english.test.ts compares their parameters).
 */
export const TALLY_REASONS_EN: Record<TallyReasonCode, string> = {
  'college.empty': 'The {college} has no organisation.',
  'college.nothing-expressed': 'The {college} cast no weighted vote: no majority.',
  'college.in-favour': 'The {college} is in favour (for {pour}, against {contre}, majority required {majority}).',
  'college.tied': 'The {college} is split evenly: no majority (for {pour}, against {contre}, majority required {majority}).',
  'college.not-in-favour': 'The {college} is not in favour (for {pour}, against {contre}, majority required {majority}).',
  'consensus.against': 'No consensus: {orgs} vote{s} against.',
  'consensus.nobody-for': 'No consensus: no organisation votes for.',
  'consensus.reached': 'Consensus: no organisation votes against.',
};

export const THRESHOLDS_EN: Record<VoteRule, string> = {
  'double-majority': 'Double majority: each college is in favour by the weighted majority of the votes cast (for > 50 % of for + against).',
  'union-weighted': 'Weighted majority of the union college: the weight of the votes for exceeds 50 % of the votes cast (for + against).',
  consensus: 'Consensus: no organisation votes against, and at least one votes for.',
};

type Prefixed<P extends string, T> = { [K in keyof T & string as `${P}${K}`]: T[K] };
function prefixed<P extends string, T extends Record<string, string>>(prefix: P, templates: T): Prefixed<P, T> {
  return Object.fromEntries(Object.entries(templates).map(([code, text]) => [`${prefix}${code}`, text])) as Prefixed<P, T>;
}

export const votesMessages = defineMessages(
  {
    'vote.title': 'Votes indicatifs',
    'vote.question': 'Question soumise au vote',
    'vote.rule': 'Règle',
    'vote.rule.double-majority': 'Double majorité',
    'vote.rule.union-weighted': 'Majorité pondérée salariale',
    'vote.rule.consensus': 'Consensus',
    'vote.open': 'Ouvrir le vote',
    'vote.close': 'Clore le vote',
    'vote.none': 'Aucun vote sur cet article.',
    'vote.open.status': 'Vote ouvert',
    'vote.closed.status': 'Vote clos',
    'vote.adopted': 'Adopté',
    'vote.notAdopted': 'Non adopté',
    'vote.college.employer': 'Collège employeur',
    'vote.college.union': 'Collège salarié',
    'vote.barLabel': 'Pour {pour}, contre {contre}, seuil {threshold}',
    'vote.seg.pour': 'Pour',
    'vote.seg.contre': 'Contre',
    'vote.seg.abstention': 'Abstention',
    'vote.seg.nePrendPasPart': 'Ne prend pas part',
    'vote.seg.absent': 'Pas de bulletin',
    'vote.threshold': 'Seuil de majorité',
    'vote.myBallot': 'Le bulletin de mon organisation',
    'vote.choice.pour': 'Pour',
    'vote.choice.contre': 'Contre',
    'vote.choice.abstention': 'Abstention',
    'vote.choice.npp': 'Ne prend pas part',
    'vote.named': 'Résultat par organisation',
    'vote.aboutAmendment': 'Porte sur : {amendment}',
    'vote.onAmendment': 'Mettre aux voix',
    'vote.onAmendment.form': 'Ouvrir un vote sur cet amendement',
    'vote.onAmendment.question': '{amendment} : {formula}',
    'vote.onAmendment.list': 'Votes sur cet amendement',
    'vote.onAmendment.employer': 'Employeurs',
    'vote.onAmendment.union': 'Salariés',
    'vote.onAmendment.ballots': 'Bulletins : {cast} sur {total}',
    ...prefixed('vote.reason.', TALLY_REASONS_FR),
    'vote.reasonCollege.employer': COLLEGE_NAMES_FR.employer,
    'vote.reasonCollege.union': COLLEGE_NAMES_FR.union,
    ...prefixed('vote.thresholdRule.', THRESHOLDS_FR),
    'vote.reasons': 'Pourquoi',
  },
  {
    'vote.title': 'Indicative votes',
    'vote.question': 'Question put to the vote',
    'vote.rule': 'Rule',
    'vote.rule.double-majority': 'Double majority',
    'vote.rule.union-weighted': 'Union weighted majority',
    'vote.rule.consensus': 'Consensus',
    'vote.open': 'Open the vote',
    'vote.close': 'Close the vote',
    'vote.none': 'No vote on this article.',
    'vote.open.status': 'Vote open',
    'vote.closed.status': 'Vote closed',
    'vote.adopted': 'Adopted',
    'vote.notAdopted': 'Not adopted',
    'vote.college.employer': 'Employer college',
    'vote.college.union': 'Union college',
    'vote.barLabel': 'For {pour}, against {contre}, threshold {threshold}',
    'vote.seg.pour': 'For',
    'vote.seg.contre': 'Against',
    'vote.seg.abstention': 'Abstention',
    'vote.seg.nePrendPasPart': 'Takes no part',
    'vote.seg.absent': 'No ballot',
    'vote.threshold': 'Majority threshold',
    'vote.myBallot': 'My organisation’s ballot',
    'vote.choice.pour': 'For',
    'vote.choice.contre': 'Against',
    'vote.choice.abstention': 'Abstention',
    'vote.choice.npp': 'Takes no part',
    'vote.named': 'Result per organisation',
    'vote.aboutAmendment': 'On: {amendment}',
    'vote.onAmendment': 'Put to the vote',
    'vote.onAmendment.form': 'Open a vote on this amendment',
    'vote.onAmendment.question': '{amendment}: {formula}',
    'vote.onAmendment.list': 'Votes on this amendment',
    'vote.onAmendment.employer': 'Employers',
    'vote.onAmendment.union': 'Unions',
    'vote.onAmendment.ballots': 'Ballots: {cast} of {total}',
    ...prefixed('vote.reason.', TALLY_REASONS_EN),
    'vote.reasonCollege.employer': 'employer college',
    'vote.reasonCollege.union': 'union college',
    ...prefixed('vote.thresholdRule.', THRESHOLDS_EN),
    'vote.reasons': 'Why',
  },
);
