import { describe, expect, it } from 'vitest';
import type { CampaignView } from '../../shared/signature/campaign.ts';
import { bindingActConfirmation } from '../../shared/signature/consequence.ts';

const party = (id: string, college: 'employer' | 'union', weight: number, representative = true) => ({
  id,
  shortName: id.toUpperCase(),
  fullName: id,
  college,
  weight,
  representative,
  source: null,
});

/** The 2023 story: AXESS and the CFDT signed, every union notified on 28 September. */
function campaign(overrides: Partial<CampaignView> = {}): CampaignView {
  const person = { userId: 'u', name: 'N' };
  return {
    id: 'c',
    negotiationId: 'n',
    kind: 'agreement',
    title: 'Avenant n° 1',
    level: 'branch',
    state: 'notified',
    version: { id: 'v', name: 'Texte ouvert à la signature', createdAt: '2023-09-26T08:00:00.000Z', hash: 'a'.repeat(64) },
    openedAt: '2023-09-26',
    openedBy: person,
    signatureDeadline: null,
    parties: [party('axess', 'employer', 100), party('cfdt', 'union', 38.5), party('cgt', 'union', 35.18), party('fo', 'union', 14.69), party('sud', 'union', 11.63), party('cftc', 'union', 0, false)],
    signatures: [
      { org: 'axess', signatory: person, signedAt: '2023-09-26T09:00:00Z', date: '2023-09-26', versionHash: 'a'.repeat(64) },
      { org: 'cfdt', signatory: person, signedAt: '2023-09-26T14:00:00Z', date: '2023-09-26', versionHash: 'a'.repeat(64) },
    ],
    nonSignatories: ['cgt', 'fo', 'sud', 'cftc'],
    notifications: ['cfdt', 'cgt', 'fo', 'sud'].map((org) => ({ org, at: '2023-09-28', recordedBy: person })),
    oppositions: [],
    history: [],
    ...overrides,
  };
}

describe('the consequence a person confirms before a binding act', () => {
  it('the third opposition brings the total to 61,50 %: « l’accord sera réputé non écrit »', () => {
    const person = { userId: 'u', name: 'N' };
    const sut = bindingActConfirmation(
      campaign({
        oppositions: [
          { org: 'cgt', at: '2023-10-10', text: 't', filedBy: person, counted: true, ground: 'counted' },
          { org: 'fo', at: '2023-10-11', text: 't', filedBy: person, counted: true, ground: 'counted' },
        ],
      }),
      'sud',
      'oppose',
      '2023-10-12',
    );
    expect(sut).toMatchObject({ organisation: { shortName: 'SUD', weight: 11.63 }, version: { hash: 'a'.repeat(64) }, total: 61.5 });
    expect(sut!.consequence).toBe('votre opposition porte le total à 61,50\u202f% : l’accord sera réputé non écrit.');
  });

  it('a first opposition short of a majority says so', () => {
    const sut = bindingActConfirmation(campaign(), 'cgt', 'oppose', '2023-10-10');
    expect(sut!.consequence).toMatch(/^votre opposition porte le total à 35,18\u202f% : sans majorité/);
  });

  it('a late opposition is said not to count', () => {
    const sut = bindingActConfirmation(campaign(), 'cgt', 'oppose', '2023-10-20');
    expect(sut!.consequence).toMatch(/ne compterait pas : le délai d’opposition de votre organisation est expiré/);
  });

  it('a signature that reaches 30 % concludes the agreement; one that does not says what is missing', () => {
    const open = campaign({ state: 'open for signature', signatures: [], notifications: [] });
    expect(bindingActConfirmation(open, 'cfdt', 'sign', '2023-09-26')!.consequence).toMatch(/porte le total à 38,50\u202f% : l’accord est conclu/);
    expect(bindingActConfirmation(open, 'fo', 'sign', '2023-09-26')!.consequence).toMatch(/14,69\u202f% : il manque encore 15,31\u202f%/);
    expect(bindingActConfirmation(open, 'axess', 'sign', '2023-09-26')!.consequence).toMatch(/ne compte pas dans le seuil de 30/);
  });
});
