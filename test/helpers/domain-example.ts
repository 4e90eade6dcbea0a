import type { ScenarioInput } from '../../shared/validity/scenario.ts';

/** The branch arrêté of 22 December 2017, as DOMAIN.md gives it: AXESS for the employers, the four representative unions. */
export const ARRETE_2017 = [
  { id: 'axess', college: 'employer', weight: 100, representative: true },
  { id: 'cfdt', college: 'union', weight: 38.5, representative: true },
  { id: 'cgt', college: 'union', weight: 35.18, representative: true },
  { id: 'fo', college: 'union', weight: 14.69, representative: true },
  { id: 'sud', college: 'union', weight: 11.63, representative: true },
] satisfies ScenarioInput['organisations'];

/** The same parties as a campaign or a vote names them: their short names are their ids in capitals (AXESS, CFDT…). */
export const DOMAIN_PARTIES = ARRETE_2017.map((organisation) => ({ ...organisation, shortName: organisation.id.toUpperCase() }));

/** DOMAIN.md's example, verbatim: the 2023 CPPNI avenant, signed by the CFDT alone and voided by the majority's opposition. */
export const DOMAIN_EXAMPLE = {
  level: 'branch',
  organisations: ARRETE_2017,
  signatures: [
    { org: 'axess', at: '2023-09-26' },
    { org: 'cfdt', at: '2023-09-26' },
  ],
  notifications: [
    { org: 'cgt', at: '2023-09-28' },
    { org: 'fo', at: '2023-09-28' },
    { org: 'sud', at: '2023-09-28' },
  ],
  oppositions: [
    { org: 'cgt', at: '2023-10-10' },
    { org: 'fo', at: '2023-10-11' },
    { org: 'sud', at: '2023-10-12' },
  ],
  asOf: '2023-10-20',
} satisfies ScenarioInput;
