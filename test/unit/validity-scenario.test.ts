import { describe, expect, it } from 'vitest';
import { assess } from '../../shared/validity/assess.ts';
import { AssessmentSchema, parseScenario } from '../../shared/validity/scenario.ts';
import { DOMAIN_EXAMPLE } from '../helpers/domain-example.ts';
import { formatPercent, hasAtMostTwoDecimals, toHundredths } from '../../shared/validity/weights.ts';

type Mutable = Record<string, any>;
function variant(change: (s: Mutable) => void): unknown {
  const copy = structuredClone(DOMAIN_EXAMPLE) as Mutable;
  change(copy);
  return copy;
}

function errorsOf(input: unknown): string[] {
  const parsed = parseScenario(input);
  if (parsed.ok) throw new Error('expected the scenario to be refused');
  return parsed.errors;
}

describe('the DOMAIN.md example', () => {
  it('gives exactly the documented assessment, DOMAIN keys first', () => {
    const parsed = parseScenario(DOMAIN_EXAMPLE);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const sut = assess(parsed.scenario);
    expect(Object.keys(sut).slice(0, 7)).toEqual([
      'status',
      'signatureWeight',
      'signatureTestPassed',
      'oppositionWeight',
      'oppositionMajority',
      'oppositionDeadline',
      'reasons',
    ]);
    expect(JSON.parse(JSON.stringify(sut))).toMatchObject({
      status: 'void',
      signatureWeight: 38.5,
      signatureTestPassed: true,
      oppositionWeight: 61.5,
      oppositionMajority: true,
      oppositionDeadline: '2023-10-13',
    });
    expect(sut.reasons.length).toBeGreaterThan(0);
    // The assessment is what the schema the client parses describes.
    expect(AssessmentSchema.safeParse(sut).success).toBe(true);
  });
});

describe('a scenario the schema refuses', () => {
  it.each([
    ['an unknown organisation in a signature', (s: Mutable) => s.signatures.push({ org: 'cftc', at: '2023-09-26' }), /signatures\[2\]\.org.*organisation inconnue « cftc »/],
    ['an unknown organisation in an opposition', (s: Mutable) => s.oppositions.push({ org: 'unsa', at: '2023-10-01' }), /oppositions\[3\]\.org.*inconnue « unsa »/],
    ['an organisation listed twice', (s: Mutable) => s.organisations.push({ id: 'cgt', college: 'union', weight: 0, representative: false }), /organisations\[5\]\.id.*« cgt » en double/],
    ['an organisation signing twice', (s: Mutable) => s.signatures.push({ org: 'cfdt', at: '2023-09-27' }), /signatures\[2\]\.org.*deux fois/],
    ['an organisation notified twice', (s: Mutable) => s.notifications.push({ org: 'cgt', at: '2023-09-29' }), /notifications\[3\]\.org.*deux fois/],
    ['union weights summing to 99.98', (s: Mutable) => (s.organisations[4].weight = 11.61), /totalisent 99,98\u202f% au lieu de 100\u202f%/],
    ['union weights summing to 100.02', (s: Mutable) => (s.organisations[4].weight = 11.65), /totalisent 100,02\u202f%/],
    ['a weight with three decimals', (s: Mutable) => (s.organisations[2].weight = 35.185), /organisations\[2\]\.weight.*deux décimales au plus/],
    ['a weight written as a string', (s: Mutable) => (s.organisations[2].weight = '35.18'), /organisations\[2\]\.weight/],
    ['a negative weight', (s: Mutable) => (s.organisations[2].weight = -1), /négatif/],
    ['a non-representative organisation with a weight', (s: Mutable) => s.organisations.push({ id: 'cftc', college: 'union', weight: 9.5, representative: false }), /« cftc » n’est pas représentative : son poids doit être 0/],
    ['a date that does not exist', (s: Mutable) => (s.asOf = '2023-02-29'), /asOf.*2023-02-29.*n’existe pas/],
    ['a date in another format', (s: Mutable) => (s.oppositions[0].at = '10/10/2023'), /oppositions\[0\]\.at.*format attendu AAAA-MM-JJ/],
    ['a misspelt key', (s: Mutable) => ((s.oppositons = s.oppositions), delete s.oppositions), /clé inconnue : « oppositons »/],
    ['a missing asOf', (s: Mutable) => delete s.asOf, /asOf : champ obligatoire manquant/],
    ['an unknown level', (s: Mutable) => (s.level = 'sector'), /level/],
    ['an unknown college', (s: Mutable) => (s.organisations[0].college = 'neutral'), /organisations\[0\]\.college/],
    ['a signature after the notification', (s: Mutable) => s.signatures.push({ org: 'fo', at: '2023-09-29' }), /signatures\[2\]\.at.*après la première notification/],
    ['a referendum at branch level', (s: Mutable) => (s.referendum = { at: '2023-10-01', approved: true }), /referendum.*entreprise/],
    ['an extension at company level', (s: Mutable) => ((s.level = 'company'), (s.extension = { noticeAt: '2023-11-01', oppositions: [] })), /extension.*branche/],
    ['no representative union', (s: Mutable) => (s.organisations = [s.organisations[0]]), /aucun syndicat de salariés représentatif/],
  ])('refuses %s with a message naming the problem', (_name, change, message) => {
    const errors = errorsOf(variant(change));
    expect(errors.join('\n')).toMatch(message);
  });

  it('refuses what is not an object', () => {
    expect(errorsOf([])).toEqual(['scénario : un objet attendu']);
    expect(errorsOf(null)).toEqual(['scénario : un objet attendu']);
  });

  it('accepts union weights summing to 99.99 or 100.01, as published arrêtés round', () => {
    expect(parseScenario(variant((s) => (s.organisations[4].weight = 11.62))).ok).toBe(true);
    expect(parseScenario(variant((s) => (s.organisations[4].weight = 11.64))).ok).toBe(true);
  });

  it('accepts a scenario without notifications nor oppositions yet', () => {
    expect(parseScenario(variant((s) => (delete s.notifications, delete s.oppositions))).ok).toBe(true);
  });
});

describe('weights in hundredths', () => {
  it.each([
    [38.5, 3850],
    [35.18, 3518],
    [0.29, 29],
    [100, 10000],
    [0, 0],
    [14.69, 1469],
  ])('a weight of %s is %i hundredths, exactly', (weight, hundredths) => {
    expect(toHundredths(weight)).toBe(hundredths);
  });

  it('accepts two decimals at most', () => {
    expect([35.18, 38.5, 100, 0].every(hasAtMostTwoDecimals)).toBe(true);
    expect([35.185, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, -1].some(hasAtMostTwoDecimals)).toBe(false);
  });

  it('prints French percentages', () => {
    expect(formatPercent(6150)).toBe('61,50\u202f%');
    expect(formatPercent(5)).toBe('0,05\u202f%');
  });
});
