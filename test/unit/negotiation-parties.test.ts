import { describe, expect, it } from 'vitest';
import type { Party } from '../../shared/identity.ts';
import { commonUnionSource, orderParties } from '../../server/negotiations/negotiation.service.ts';

const ARRETE = { arrete: 'Arrêté du 22 décembre 2017', date: '2017-12-22' };
function party(shortName: string, college: Party['college'], weight: number, source = weight > 0 ? ARRETE : null): Party {
  return { id: shortName.toLowerCase(), shortName, fullName: shortName, college, weight, representative: weight > 0, source };
}

describe('the parties as shown on a negotiation', () => {
  it('are ordered employers first, unions heaviest first, the presidency last', () => {
    const sut = orderParties([party('CMP', 'neutral', 0), party('FO', 'union', 14.69), party('CFTC', 'union', 0), party('AXESS', 'employer', 100, null), party('CFDT', 'union', 38.5)]);
    expect(sut.map((p) => p.shortName)).toEqual(['AXESS', 'CFDT', 'FO', 'CFTC', 'CMP']);
  });

  it('name the arrêté the representative unions share as the source of the weights', () => {
    expect(commonUnionSource([party('AXESS', 'employer', 100, null), party('CFDT', 'union', 38.5), party('CGT', 'union', 35.18), party('CFTC', 'union', 0)])).toEqual(ARRETE);
  });

  it('name no single source when the unions’ weights come from different arrêtés', () => {
    const other = { arrete: 'Arrêté du 6 juin 2022', date: '2022-06-06' };
    expect(commonUnionSource([party('CFDT', 'union', 38.5), party('CGT', 'union', 35.18, other)])).toBeNull();
    expect(commonUnionSource([party('AXESS', 'employer', 100, null)])).toBeNull();
  });
});
