import type { College } from '../access.ts';
import type { VoteRule } from './vote-rules.ts';

/**
 * Why a vote went the way it did, as codes with parameters, so that each reader gets them in
 * their language while the figures stay the tally's own (weights in hundredths of a percent,
 * written out by each language's formatter, never retyped in a translation). The result's
 * `reasons` and `threshold` are the French wording below (the minutes and the exports print
 * those); the client writes the codes through its catalogue (`vote.reason.<code>`,
 * `vote.thresholdRule.<rule>`), whose French side is this module.
 */

export type TallyReason =
  | { code: 'college.empty' | 'college.nothing-expressed'; params: { college: College } }
  | { code: 'college.in-favour' | 'college.tied' | 'college.not-in-favour'; params: { college: College; pour: number; contre: number; majority: number } }
  | { code: 'consensus.against'; params: { orgs: string[] } }
  | { code: 'consensus.nobody-for' | 'consensus.reached'; params: Record<string, never> };
export type TallyReasonCode = TallyReason['code'];

/**
 * The French templates. `{college}` is the college's name (`COLLEGE_NAMES_FR`), `{pour}`,
 * `{contre}` and `{majority}` weights, `{orgs}` the organisations voting against, and `{s}`
 * the verb's plural ending after them.
 */
export const TALLY_REASONS_FR: Record<TallyReasonCode, string> = {
  'college.empty': 'Le {college} ne compte aucune organisation.',
  'college.nothing-expressed': 'Le {college} n’a exprimé aucun suffrage pondéré : pas de majorité.',
  'college.in-favour': 'Le {college} est favorable (pour {pour}, contre {contre}, majorité requise {majority}).',
  'college.tied': 'Le {college} est partagé à égalité : pas de majorité (pour {pour}, contre {contre}, majorité requise {majority}).',
  'college.not-in-favour': 'Le {college} n’est pas favorable (pour {pour}, contre {contre}, majorité requise {majority}).',
  'consensus.against': 'Pas de consensus : {orgs} vote{s} contre.',
  'consensus.nobody-for': 'Pas de consensus : aucune organisation ne vote pour.',
  'consensus.reached': 'Consensus : aucune organisation ne vote contre.',
};

export const COLLEGE_NAMES_FR: Record<College, string> = { employer: 'collège employeur', union: 'collège salarié' };

/** What each rule takes, in French. */
export const THRESHOLDS_FR: Record<VoteRule, string> = {
  'double-majority':
    'Double majorité : chaque collège se prononce en faveur à la majorité pondérée des suffrages exprimés (pour > 50 % de pour + contre).',
  'union-weighted':
    'Majorité pondérée du collège salarié : le poids des voix pour dépasse 50 % des suffrages exprimés (pour + contre).',
  consensus: 'Consensus : aucune organisation ne vote contre, et au moins une vote pour.',
};

/** How a language writes a reason's parts. */
export interface TallyReasonWriter {
  template: (code: TallyReasonCode) => string;
  college: (college: College) => string;
  percent: (hundredths: number) => string;
  /** The organisations against, and the verb's ending after them. */
  list: (orgs: readonly string[]) => { orgs: string; s: string };
}

export function writeTallyReason(reason: TallyReason, writer: TallyReasonWriter): string {
  const params: Record<string, string> = {};
  const p = reason.params as Partial<{ college: College; pour: number; contre: number; majority: number; orgs: string[] }>;
  if (p.college) params.college = writer.college(p.college);
  for (const key of ['pour', 'contre', 'majority'] as const) if (p[key] !== undefined) params[key] = writer.percent(p[key]);
  if (p.orgs) Object.assign(params, writer.list(p.orgs));
  return writer.template(reason.code).replace(/\{(\w+)\}/g, (whole, key: string) => params[key] ?? whole);
}
