import { afterEach, describe, expect, it, vi } from 'vitest';

// Every page's first scripts import shared/sessions/paris-time.ts; a formatter with a time zone
// costs tens of milliseconds to make in a browser, so it is made when a date is first read.
describe('the Paris clock', () => {
  afterEach(() => vi.restoreAllMocks());

  it('makes its time-zone formatter at the first date read, once, not when the module loads', async () => {
    const made = vi.spyOn(Intl, 'DateTimeFormat');
    const { parisDate, parisLocalToUtc } = await import('../../shared/sessions/paris-time.ts');
    expect(made).not.toHaveBeenCalled();
    expect(parisDate('2026-03-29T00:30:00Z')).toBe('2026-03-29');
    expect(parisLocalToUtc('2026-03-29T03:00').toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(made).toHaveBeenCalledTimes(1);
  });
});
