import { describe, expect, it } from 'vitest';
import { assess } from '../../shared/validity/assess.ts';
import { parseScenario, type Assessment, type ScenarioInput } from '../../shared/validity/scenario.ts';

// A made-up company: shares of the votes cast for representative unions at the last CSE elections.
function company(weights: Record<string, number>, changes: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    level: 'company',
    organisations: [
      { id: 'direction', college: 'employer', weight: 100, representative: true, name: 'Direction' },
      ...Object.entries(weights).map(([id, weight]) => ({ id, college: 'union' as const, weight, representative: true })),
    ],
    signatures: [
      { org: 'direction', at: '2024-03-01' },
      { org: 'cfdt', at: '2024-03-01' },
    ],
    notifications: [{ org: 'cgt', at: '2024-03-04' }],
    asOf: '2024-06-30',
    ...changes,
  };
}

function sut(input: ScenarioInput): Assessment {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return assess(parsed.scenario);
}

describe('company agreements (L2232-12)', () => {
  it.each([
    ['signed by more than 50 % (50.01): valid without referendum', 50.01, undefined, 'valid'],
    ['signed by exactly 50 %: not a majority, the referendum is pending', 50, undefined, 'referendum pending'],
    ['signed by 30 % to 50 %, employees approve: valid', 40, { at: '2024-05-15', approved: true }, 'valid'],
    ['signed by 30 % to 50 %, employees reject: void', 40, { at: '2024-05-15', approved: false }, 'void'],
    // L2232-12, second paragraph: the employees may be consulted on a text signed by unions « ayant
    // recueilli plus de 30 % des suffrages »; 30,00 % is not more than 30 % (the branch rule, L2232-6,
    // says « au moins 30 % »): the referendum cannot be held, the text is not concluded.
    ['signed by 30.01 %, employees approve: valid', 30.01, { at: '2024-05-15', approved: true }, 'valid'],
    ['signed by exactly 30 %, employees approve: not concluded, the referendum could not be held', 30, { at: '2024-05-15', approved: true }, 'not concluded'],
    ['signed by 29.99 %: not concluded, and a referendum cannot save it', 29.99, { at: '2024-05-15', approved: true }, 'not concluded'],
    ['signed by 60 %, a rejected referendum changes nothing: valid', 60, { at: '2024-05-15', approved: false }, 'valid'],
  ])('%s', (_name, cfdt, referendum, status) => {
    const result = sut(company({ cfdt, cgt: 100 - cfdt }, referendum ? { referendum } : {}));
    expect(result.status).toBe(status);
    expect(result.signatureWeight).toBe(cfdt);
    expect(result.signatureTestPassed).toBe(cfdt > 30);
    expect(result.majoritySignature).toBe(cfdt > 50);
  });

  // L2232-12: « La validité d'un accord d'entreprise … est subordonnée à sa signature par, d'une
  // part, l'employeur ou son représentant et, d'autre part, une ou plusieurs organisations
  // syndicales … ». Without the employer's signature no union weight makes it valid.
  it.each([
    ['60 % of the unions, the campaign over (notified 4 March): not concluded', 60, undefined, '2024-06-30', 'not concluded'],
    ['60 % of the unions while the campaign runs (not notified yet): still open for signature', 60, undefined, '2024-03-02', 'open for signature'],
    ['40 % and an approved referendum: not concluded, the referendum cannot make it valid', 40, { at: '2024-05-15', approved: true }, '2024-06-30', 'not concluded'],
  ])('unsigned by the employer, signed by %s', (_name, cfdt, referendum, asOf, status) => {
    const result = sut(
      company(
        { cfdt, cgt: 100 - cfdt },
        { signatures: [{ org: 'cfdt', at: '2024-03-01' }], ...(asOf === '2024-03-02' ? { notifications: [] } : {}), asOf, ...(referendum ? { referendum } : {}) },
      ),
    );
    expect(result.status).toBe(status);
    expect(result.signatureWeight).toBe(cfdt);
    expect(result.reasons).toContain(`L’employeur n’a pas signé au ${asOf === '2024-03-02' ? '2 mars 2024' : '30 juin 2024'} : sans sa signature, l’accord d’entreprise n’est pas conclu (L2232-12).`);
  });

  it('a referendum held after asOf is not known yet: still pending', () => {
    const result = sut(company({ cfdt: 40, cgt: 60 }, { referendum: { at: '2024-07-15', approved: true } }));
    expect(result.status).toBe('referendum pending');
    expect(result.referendum).toEqual({ at: '2024-07-15', approved: true, taken: false });
  });

  it('while the campaign runs (not notified), a text between 30 and 50 % is still open for signature', () => {
    const result = sut(company({ cfdt: 40, cgt: 60 }, { notifications: [], asOf: '2024-03-02' }));
    expect(result.status).toBe('open for signature');
  });

  it('exact sums: 12.3 + 9.9 + 7.8 is exactly 30 %, not more (a float sum gives 30.000000000000004): not concluded', () => {
    // 1230 + 990 + 780 = 3000 hundredths: not « plus de 30 % » (L2232-12), so no referendum either.
    const result = sut({
      ...company({ cfdt: 12.3, cgt: 9.9, fo: 7.8, sud: 70 }),
      signatures: ['direction', 'cfdt', 'cgt', 'fo'].map((org) => ({ org, at: '2024-03-01' })),
      notifications: [{ org: 'sud', at: '2024-03-04' }],
      referendum: { at: '2024-05-15', approved: true },
    });
    expect([result.signatureWeight, result.signatureTestPassed, result.status]).toEqual([30, false, 'not concluded']);
    expect(result.reasons).toContain('Signatures 30,00\u202f% : pas plus de 30\u202f% ; ni la majorité ni le seuil du référendum (plus de 30\u202f%) ne sont atteints (L2232-12).');
  });

  it('exact sums: 31.10 + 16.16 + 2.74 is exactly 50 %, not a majority (a float sum gives 50.00000000000001)', () => {
    // 3110 + 1616 + 274 = 5000 hundredths: not « plus de 50 % », so the employees must approve it.
    const result = sut({
      ...company({ cfdt: 31.1, cgt: 16.16, fo: 2.74, sud: 50 }),
      signatures: ['direction', 'cfdt', 'cgt', 'fo'].map((org) => ({ org, at: '2024-03-01' })),
      notifications: [{ org: 'sud', at: '2024-03-04' }],
    });
    expect([result.signatureWeight, result.majoritySignature, result.status]).toEqual([50, false, 'referendum pending']);
  });

  it('oppositions do not exist at company level: listed, ignored, explained', () => {
    const result = sut(company({ cfdt: 40, cgt: 60 }, { oppositions: [{ org: 'cgt', at: '2024-03-05' }] }));
    expect(result.oppositions).toEqual([{ org: 'cgt', at: '2024-03-05', counted: false, ground: 'company level', weight: 0 }]);
    expect(result.oppositionWeight).toBe(0);
    expect(result.status).toBe('referendum pending');
    expect(result.reasons.join('\n')).toContain('le droit d’opposition n’existe plus');
  });
});
