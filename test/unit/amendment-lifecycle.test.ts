import { describe, expect, it } from 'vitest';
import type { Role } from '../../shared/access.ts';
import {
  AMENDMENT_STATUSES,
  AMENDMENT_TRANSITIONS,
  availableTransitions,
  checkTransition,
  nextStatus,
  transitionsFrom,
  type AmendmentStatus,
  type AmendmentTransition,
} from '../../shared/amendments/lifecycle.ts';

const as = (roles: Role[], orgId = 'cgt') => ({ roles, orgId });
const cgtDelegate = as(['delegate'], 'cgt');
const cfdtDelegate = as(['delegate'], 'cfdt');
const secretariat = as(['secretariat'], 'secretariat');
const chair = as(['chair'], 'ministry');
const negotiator = as(['negotiator'], 'axess');
const observer = as(['observer'], 'ministry');

// Every (status, transition) pair that exists; every other one is refused.
const VALID: [AmendmentStatus, AmendmentTransition, AmendmentStatus][] = [
  ['draft', 'table', 'tabled'],
  ['draft', 'withdraw', 'withdrawn'],
  ['tabled', 'discuss', 'under discussion'],
  ['tabled', 'withdraw', 'withdrawn'],
  ['under discussion', 'adopt', 'adopted'],
  ['under discussion', 'reject', 'rejected'],
  ['under discussion', 'withdraw', 'withdrawn'],
  ['adopted', 'merge', 'merged'],
];

describe('the amendment state machine', () => {
  it.each(VALID)('%s —%s→ %s', (from, transition, to) => {
    expect(nextStatus(from, transition)).toBe(to);
  });

  it('refuses every other move', () => {
    for (const status of AMENDMENT_STATUSES) {
      for (const transition of AMENDMENT_TRANSITIONS) {
        const valid = VALID.some(([f, t]) => f === status && t === transition);
        expect(nextStatus(status, transition) !== null, `${status} ${transition}`).toBe(valid);
      }
    }
  });

  it('ends at rejected, withdrawn and merged', () => {
    expect(transitionsFrom('rejected')).toEqual([]);
    expect(transitionsFrom('withdrawn')).toEqual([]);
    expect(transitionsFrom('merged')).toEqual([]);
  });
});

describe('who may move an amendment', () => {
  const cases: [string, AmendmentStatus, AmendmentTransition, ReturnType<typeof as> | 'system', boolean][] = [
    ['the author delegation tables its draft', 'draft', 'table', cgtDelegate, true],
    ['another delegation cannot table it', 'draft', 'table', cfdtDelegate, false],
    ['the secretariat cannot table for a delegation', 'draft', 'table', secretariat, false],
    ['the author delegation withdraws it while under discussion', 'under discussion', 'withdraw', cgtDelegate, true],
    ['another delegation cannot withdraw it', 'tabled', 'withdraw', cfdtDelegate, false],
    ['the secretariat puts it under discussion', 'tabled', 'discuss', secretariat, true],
    ['the chair declares it adopted', 'under discussion', 'adopt', chair, true],
    ['the secretariat declares it rejected', 'under discussion', 'reject', secretariat, true],
    ['a delegate cannot declare its own amendment adopted', 'under discussion', 'adopt', cgtDelegate, false],
    ['an observer decides nothing', 'tabled', 'discuss', observer, false],
    ['the pen-holder merges an adopted amendment', 'adopted', 'merge', negotiator, true],
    ['the secretariat merges too', 'adopted', 'merge', secretariat, true],
    ['the chair cannot merge', 'adopted', 'merge', chair, false],
    ['the system merges an adopted amendment', 'adopted', 'merge', 'system', true],
    ['the system decides nothing', 'under discussion', 'adopt', 'system', false],
  ];

  it.each(cases)('%s', (_name, status, transition, actor, allowed) => {
    const sut = checkTransition({ status, authorOrg: 'cgt' }, transition, actor);
    expect(sut.ok).toBe(allowed);
    if (!sut.ok) expect(sut.reason).toBe('forbidden');
  });

  it('says the move is impossible before saying who may not make it', () => {
    const sut = checkTransition({ status: 'rejected', authorOrg: 'cgt' }, 'adopt', cgtDelegate);
    expect(sut).toMatchObject({ ok: false, reason: 'invalid-transition' });
  });

  it('names the event of each move', () => {
    expect(checkTransition({ status: 'draft', authorOrg: 'cgt' }, 'table', cgtDelegate)).toEqual({
      ok: true,
      to: 'tabled',
      event: 'amendment:tabled',
    });
  });

  it('offers each actor only the moves they may make', () => {
    expect(availableTransitions({ status: 'tabled', authorOrg: 'cgt' }, cgtDelegate)).toEqual(['withdraw']);
    expect(availableTransitions({ status: 'tabled', authorOrg: 'cgt' }, secretariat)).toEqual(['discuss']);
    expect(availableTransitions({ status: 'under discussion', authorOrg: 'cgt' }, chair)).toEqual(['adopt', 'reject']);
    expect(availableTransitions({ status: 'tabled', authorOrg: 'cgt' }, cfdtDelegate)).toEqual([]);
  });
});
