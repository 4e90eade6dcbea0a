import type { CampaignView } from '../../shared/signature/campaign.ts';

export const PERSON = { userId: 'u', name: 'N' };
const HASH = 'a'.repeat(64);

export const party = (id: string, college: 'employer' | 'union', weight: number, representative = true) => ({
  id,
  shortName: id.toUpperCase(),
  fullName: id,
  college,
  weight,
  representative,
  source: null,
});

/** A signature of `org` on `date` (Paris), as the read model holds it. */
export const signed = (org: string, date: string) => ({ org, signatory: PERSON, signedAt: `${date}T09:00:00Z`, date, versionHash: HASH });

/** The 2023 story as the read model holds it: AXESS and the CFDT signed, every union notified on 28 September. */
export function campaignView(overrides: Partial<CampaignView> = {}): CampaignView {
  return {
    id: 'c',
    negotiationId: 'n',
    kind: 'agreement',
    title: 'Avenant n° 1',
    level: 'branch',
    state: 'notified',
    version: { id: 'v', name: 'Texte ouvert à la signature', createdAt: '2023-09-26T08:00:00.000Z', hash: HASH },
    openedAt: '2023-09-26',
    openedBy: PERSON,
    signatureDeadline: null,
    parties: [party('axess', 'employer', 100), party('cfdt', 'union', 38.5), party('cgt', 'union', 35.18), party('fo', 'union', 14.69), party('sud', 'union', 11.63), party('cftc', 'union', 0, false)],
    signatures: [signed('axess', '2023-09-26'), { ...signed('cfdt', '2023-09-26'), signedAt: '2023-09-26T14:00:00Z' }],
    nonSignatories: ['cgt', 'fo', 'sud', 'cftc'],
    notifications: ['cfdt', 'cgt', 'fo', 'sud'].map((org) => ({ org, at: '2023-09-28', recordedBy: PERSON })),
    oppositions: [],
    referendum: null,
    history: [],
    ...overrides,
  };
}
