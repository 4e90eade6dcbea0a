import { describe, expect, it } from 'vitest';
import type { NegotiationEvent } from '../../shared/events.ts';
import { positionMatrix, withPosition } from '../../shared/positions/position.fold.ts';
import type { Position } from '../../shared/positions/position.ts';
import type { VersionSummary } from '../../shared/text-diff.ts';
import { applyVersionEvents, withVersions } from '../../shared/versions/version.fold.ts';

const N = 'n1';

function versionCreated(seq: number, versionId: string, at: string): NegotiationEvent<'version:created'> {
  return {
    negotiationId: N,
    seq,
    actor: 'u1',
    org: null,
    at,
    visibility: { scope: 'committee' },
    type: 'version:created',
    payload: { versionId, name: `Version ${versionId}`, kind: 'manual' },
  } as NegotiationEvent<'version:created'>;
}

const listed = (id: string, createdAt: string): VersionSummary => ({ id, name: `Version ${id}`, kind: 'manual', createdAt });

describe('the version list kept by events', () => {
  it('a version:created event puts its version at the head of the list', () => {
    const sut = applyVersionEvents([listed('a', '2026-12-01T09:00:00.000Z')], [versionCreated(7, 'b', '2026-12-02T09:00:00.000Z')]);
    expect(sut.map((v) => v.id)).toEqual(['b', 'a']);
    expect(sut[0]).toEqual({ id: 'b', name: 'Version b', kind: 'manual', createdAt: '2026-12-02T09:00:00.000Z' });
  });

  it('a version already listed (from the command’s answer or a replayed catch-up) is not listed twice', () => {
    const list = [listed('b', '2026-12-02T09:00:00.000Z'), listed('a', '2026-12-01T09:00:00.000Z')];
    const event = versionCreated(7, 'b', '2026-12-02T09:00:00.001Z');
    expect(applyVersionEvents(list, [event, event])).toEqual(list);
    expect(withVersions(list, [listed('c', '2026-12-03T00:00:00.000Z'), listed('c', '2026-12-03T00:00:00.000Z')]).map((v) => v.id)).toEqual(['c', 'b', 'a']);
  });

  it('other events leave the list as it was', () => {
    const list = [listed('a', '2026-12-01T09:00:00.000Z')];
    const other = { ...versionCreated(8, 'x', '2026-12-05T00:00:00.000Z'), type: 'session:opened', payload: { sessionId: 's' } } as unknown as NegotiationEvent;
    expect(applyVersionEvents(list, [other])).toEqual(list);
  });
});

describe('the positions matrix kept by events', () => {
  const organisations = [
    { id: 'cgt', shortName: 'CGT' },
    { id: 'fo', shortName: 'FO' },
  ];
  const articles = [{ id: 'art1', number: '1', title: 'Objet' }];
  const position = (seq: number, org: string, stance: Position['stance'], item: Position['item'] = { kind: 'article', id: 'art1' }): Position => ({
    seq,
    negotiationId: N,
    org,
    orgShortName: org.toUpperCase(),
    declaredBy: { userId: 'u', name: 'Délégué' },
    stance,
    statement: '',
    item,
    sessionId: null,
    liminary: false,
    at: '2026-12-01T09:00:00.000Z',
  });

  it('a declared position fills its organisation’s cell, as the matrix read afresh would', () => {
    const empty = positionMatrix(organisations, articles, []);
    const declared = position(3, 'cgt', 'réservé');
    expect(withPosition(empty, declared)).toEqual(positionMatrix(organisations, articles, [declared]));
  });

  it('an older position does not replace a newer one, whatever order they arrive in', () => {
    const newer = position(9, 'cgt', 'favorable');
    const matrix = positionMatrix(organisations, articles, [newer]);
    expect(withPosition(matrix, position(4, 'cgt', 'défavorable'))?.cells.cgt['article:art1']).toEqual(newer);
  });

  it('a position on an item with no column yet asks for the matrix to be read again (null)', () => {
    const matrix = positionMatrix(organisations, articles, []);
    expect(withPosition(matrix, position(5, 'fo', 'favorable', { kind: 'amendment', id: 'am1' }))).toBeNull();
  });
});
