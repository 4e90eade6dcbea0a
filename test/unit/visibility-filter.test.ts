import { Context } from 'mingo/core';
import * as queryOperators from 'mingo/operators/query';
import { Query } from 'mingo/query';
import { describe, expect, it } from 'vitest';
import { SCOPES, canSee, type Viewer, type Visibility } from '../../shared/visibility.ts';
import { visibleTo } from '../../server/events/event-store.ts';

// One visibility or more per scope: a scope added to VisibilitySchema without its samples here
// fails the type check, and the run (the keys are compared with the schema's scopes).
const SAMPLES: { [S in Visibility['scope']]: Extract<Visibility, { scope: S }>[] } = {
  committee: [{ scope: 'committee' }],
  college: [
    { scope: 'college', college: 'employer' },
    { scope: 'college', college: 'union' },
  ],
  delegation: [
    { scope: 'delegation', org: 'cgt' },
    { scope: 'delegation', org: 'axess' },
  ],
  private: [
    { scope: 'private', user: 'u-cgt-lead' },
    { scope: 'private', user: 'u-secretariat' },
  ],
  governance: [
    { scope: 'governance', org: 'cgt' },
    { scope: 'governance', org: 'cfdt' },
  ],
  membership: [
    { scope: 'membership', org: 'cgt' },
    { scope: 'membership', org: 'axess' },
  ],
};

const VIEWERS: Record<string, Viewer> = {
  'the secretariat (AXESS)': { userId: 'u-secretariat', orgId: 'axess', college: 'employer', roles: ['secretariat'] },
  'the CGT lead': { userId: 'u-cgt-lead', orgId: 'cgt', college: 'union', roles: ['delegate', 'lead'] },
  'a CGT delegate': { userId: 'u-cgt', orgId: 'cgt', college: 'union', roles: ['delegate'] },
  'the CFDT lead': { userId: 'u-cfdt-lead', orgId: 'cfdt', college: 'union', roles: ['delegate', 'lead'] },
  'the presidency (neutral)': { userId: 'u-chair', orgId: 'cmp', college: 'neutral', roles: ['chair', 'lead'] },
  'a viewer without roles': { userId: 'u-old', orgId: 'cgt', college: 'union' },
};

const QUERY = Context.init({ query: queryOperators });

/** Whether the catch-up's database filter selects a stored event of this visibility (mingo: the embedded engine's query evaluator). */
function selected(viewer: Viewer, visibility: Visibility): boolean {
  return new Query({ $or: visibleTo(viewer) }, { context: QUERY }).test({ negotiationId: 'n1', seq: 1, visibility });
}

describe('the catch-up filter is the visibility rule, scope by scope', () => {
  it('has samples for every scope the schema knows', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...SCOPES].sort());
  });

  for (const [who, viewer] of Object.entries(VIEWERS)) {
    it(`selects for ${who} exactly the events canSee shows them, in every scope`, () => {
      for (const visibility of Object.values(SAMPLES).flat()) {
        expect({ visibility, selected: selected(viewer, visibility) }).toEqual({ visibility, selected: canSee(viewer, visibility) });
      }
    });
  }

  it('lets the secretariat and an organisation’s lead, and nobody else, read that organisation’s governance events', () => {
    const cgt: Visibility = { scope: 'governance', org: 'cgt' };
    const readers = Object.entries(VIEWERS).filter(([, viewer]) => selected(viewer, cgt)).map(([who]) => who);
    expect(readers).toEqual(['the secretariat (AXESS)', 'the CGT lead']);
  });

  it('lets an organisation’s delegation and the secretariat, and nobody else, read that organisation’s changes of mandate', () => {
    const cgt: Visibility = { scope: 'membership', org: 'cgt' };
    const readers = Object.entries(VIEWERS).filter(([, viewer]) => selected(viewer, cgt)).map(([who]) => who);
    expect(readers).toEqual(['the secretariat (AXESS)', 'the CGT lead', 'a CGT delegate', 'a viewer without roles']);
  });

  it('selects nothing of a scope it does not know', () => {
    const unknown = { scope: 'observers' } as unknown as Visibility;
    for (const viewer of Object.values(VIEWERS)) {
      expect(selected(viewer, unknown)).toBe(false);
      expect(canSee(viewer, unknown)).toBe(false);
    }
  });
});
