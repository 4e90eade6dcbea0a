import { describe, expect, it } from 'vitest';
import { retryAfterSeconds, type Limit } from '../../server/auth/rate-limit.service.ts';

const limit: Limit = { max: 5, windowMs: 15 * 60 * 1000 };
const start = new Date('2026-01-05T10:00:00Z');
const at = (minutes: number) => new Date(start.getTime() + minutes * 60 * 1000);

describe('sign-in throttling window', () => {
  it('lets attempts through before any failure', () => {
    expect(retryAfterSeconds(null, limit, start)).toBe(0);
  });

  it('lets the fifth attempt through after four failures', () => {
    expect(retryAfterSeconds({ failures: 4, windowStart: start }, limit, at(1))).toBe(0);
  });

  it('refuses after five failures until the window ends, saying how long to wait', () => {
    expect(retryAfterSeconds({ failures: 5, windowStart: start }, limit, at(5))).toBe(600);
  });

  it('allows attempts again once the window has passed', () => {
    expect(retryAfterSeconds({ failures: 9, windowStart: start }, limit, at(15))).toBe(0);
  });

  it('never asks to wait less than a second', () => {
    expect(retryAfterSeconds({ failures: 5, windowStart: start }, limit, new Date(at(15).getTime() - 10))).toBe(1);
  });
});
