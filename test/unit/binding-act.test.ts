import { describe, expect, it } from 'vitest';
import { bindingActConfirmation } from '../../shared/signature/consequence.ts';
import { campaignView as campaign } from '../helpers/campaign-view.ts';

// The 2023 story: AXESS and the CFDT signed, every union notified on 28 September.

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
