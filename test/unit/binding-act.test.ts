import { describe, expect, it } from 'vitest';
import { bindingActConfirmation } from '../../shared/signature/consequence.ts';
import { campaignView as campaign, party, signed } from '../helpers/campaign-view.ts';

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

  it('at company level, a signature says what L2232-12 asks, never an opposition that no longer exists', () => {
    // Shares of the votes cast at the CSE elections: CFDT 40 %, CGT 60 %. 40 % is more than 30 %
    // but not more than 50 %: only a referendum makes it valid. 60 % is a majority: valid once
    // the employer has signed too (« sa signature par, d'une part, l'employeur »).
    const company = (signatures: ReturnType<typeof signed>[]) =>
      campaign({ level: 'company', state: 'open for signature', parties: [party('direction', 'employer', 100), party('cfdt', 'union', 40), party('cgt', 'union', 60)], signatures, notifications: [] });
    expect(bindingActConfirmation(company([signed('direction', '2024-03-01')]), 'cfdt', 'sign', '2024-03-01')!.consequence).toBe(
      'votre signature porte le total à 40,00\u202f% : plus de 30 % sans dépasser 50 %, l’accord ne sera valide que s’il est approuvé par les salariés (référendum, L2232-12).',
    );
    expect(bindingActConfirmation(company([signed('direction', '2024-03-01')]), 'cgt', 'sign', '2024-03-01')!.consequence).toBe(
      'votre signature porte le total à 60,00\u202f% : plus de 50 % des suffrages, l’accord est valide (L2232-12).',
    );
    expect(bindingActConfirmation(company([]), 'cgt', 'sign', '2024-03-01')!.consequence).toBe(
      'votre signature porte le total à 60,00\u202f% : plus de 50 % des suffrages ; l’accord sera valide quand l’employeur l’aura signé (L2232-12).',
    );
    // Exactly 30 %: not « plus de 30 % » (L2232-12), so not enough to put the text to the employees.
    const thirty = campaign({ level: 'company', state: 'open for signature', parties: [party('direction', 'employer', 100), party('cfdt', 'union', 30), party('cgt', 'union', 70)], signatures: [signed('direction', '2024-03-01')], notifications: [] });
    expect(bindingActConfirmation(thirty, 'cfdt', 'sign', '2024-03-01')!.consequence).toBe(
      'votre signature porte le total à 30,00\u202f% : il faut plus de 30 % pour que l’accord puisse être soumis aux salariés (référendum, L2232-12), et plus de 50 % pour qu’il soit valide sans eux.',
    );
  });
});
