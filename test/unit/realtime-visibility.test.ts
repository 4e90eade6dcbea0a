import { describe, expect, it } from 'vitest';
import type { Visibility } from '../../shared/events.ts';
import { canSee, type Viewer } from '../../shared/visibility.ts';
import { DeclarePositionSchema } from '../../shared/positions/position.ts';
import { JoinPayloadSchema } from '../../shared/channel.ts';

const cgtDelegate: Viewer = { userId: 'u-cgt', orgId: 'cgt', college: 'union' };
const cfdtDelegate: Viewer = { userId: 'u-cfdt', orgId: 'cfdt', college: 'union' };
const axessNegotiator: Viewer = { userId: 'u-axess', orgId: 'axess', college: 'employer' };
const chair: Viewer = { userId: 'u-chair', orgId: 'ministry', college: 'neutral' };

const cases: [string, Visibility, Viewer, boolean][] = [
  ['committee material reaches everyone', { scope: 'committee' }, axessNegotiator, true],
  ['committee material reaches the chair', { scope: 'committee' }, chair, true],
  ['a union college note reaches another union', { scope: 'college', college: 'union' }, cfdtDelegate, true],
  ['a union college note never reaches the employer side', { scope: 'college', college: 'union' }, axessNegotiator, false],
  ['a college note never reaches the neutral presidency', { scope: 'college', college: 'employer' }, chair, false],
  ['a delegation note reaches its own delegation', { scope: 'delegation', org: 'cgt' }, cgtDelegate, true],
  ['a delegation note never reaches another organisation', { scope: 'delegation', org: 'cgt' }, cfdtDelegate, false],
  ['a delegation note never reaches the chair', { scope: 'delegation', org: 'cgt' }, chair, false],
  ['a private note reaches its author', { scope: 'private', user: 'u-cgt' }, cgtDelegate, true],
  ['a private note never reaches a colleague', { scope: 'private', user: 'u-cgt' }, { ...cgtDelegate, userId: 'u-cgt-2' }, false],
  ['an unknown scope reaches nobody', { scope: 'everyone' } as unknown as Visibility, cgtDelegate, false],
];

describe('who sees an event', () => {
  it.each(cases)('%s', (_name, visibility, viewer, expected) => {
    expect(canSee(viewer, visibility)).toBe(expected);
  });
});

describe('realtime payloads at the boundary', () => {
  it('a join defaults to the beginning of the log', () => {
    expect(JoinPayloadSchema.parse({ negotiationId: 'a'.repeat(24) })).toEqual({ negotiationId: 'a'.repeat(24), sinceSeq: 0 });
  });

  it.each([
    ['a missing negotiation', { sinceSeq: 0 }],
    ['a negative seq', { negotiationId: 'a'.repeat(24), sinceSeq: -1 }],
    ['a query operator as id', { negotiationId: { $ne: null } }],
    ['an unexpected field', { negotiationId: 'a'.repeat(24), admin: true }],
  ])('refuses %s', (_name, payload) => {
    expect(JoinPayloadSchema.safeParse(payload).success).toBe(false);
  });

  it('stores the opposing stance with the typographic apostrophe', () => {
    const sut = DeclarePositionSchema.parse({ negotiationId: 'a'.repeat(24), stance: "s'opposera", item: { kind: 'text' } });
    expect(sut.stance).toBe('s’opposera');
    expect(sut.statement).toBe('');
  });
});
