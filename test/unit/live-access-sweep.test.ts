import type { Connection } from 'mongoose';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LiveAccess, type LiveConnection } from '../../server/auth/live-access.ts';
import { watchIntervals } from '../helpers/intervals.ts';

// The sweep that checks open connections against the database is armed while there is one to check.

const connection = (userId: string): LiveConnection => ({ userId, sessionId: null, negotiations: () => [], end: () => {}, recheck: () => {} });

describe('live access sweep', () => {
  it('is armed by the first connection followed and stopped with the last', () => {
    const intervals = watchIntervals();
    // The database is not reached: no session to follow, no sweep run within the test.
    const live = new LiveAccess({} as Connection, pino({ level: 'silent' }));
    try {
      expect(intervals.armed.size).toBe(0);
      const untrackA = live.track(connection('a'));
      const untrackB = live.track(connection('b'));
      expect(intervals.armed.size).toBe(1);
      untrackA();
      expect(intervals.armed.size).toBe(1);
      untrackB();
      expect(intervals.armed.size).toBe(0);
      live.track(connection('c'));
      expect(intervals.armed.size).toBe(1);
    } finally {
      live.stop();
      intervals.restore();
    }
  });
});
