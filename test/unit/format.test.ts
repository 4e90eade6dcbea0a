import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// A delegate's laptop set to New York: what the screens show must not depend on it. Node
// applies a new TZ to Date and Intl at once; it is set before any formatter is built.
process.env.TZ = 'America/New_York';
const sut = await import('../../client/src/lib/format.ts');

describe('dates and times are Paris time, whatever the device zone', () => {
  it('runs on a device in New York (so the cases below would differ on its clock)', () => {
    expect(new Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('America/New_York');
    expect(new Date('2026-12-17T13:00:00Z').getHours()).toBe(8);
  });

  it('shows a session starting at 13:00 UTC in winter at 14:00, in French and in English', () => {
    expect(sut.formatDateTime('2026-12-17T13:00:00Z', 'fr')).toBe('17/12/2026 14:00');
    expect(sut.formatDateTime('2026-12-17T13:00:00Z', 'en')).toBe('17/12/2026, 14:00');
    expect(sut.formatTime('2026-12-17T13:00:00Z', 'fr')).toBe('14:00');
  });

  it('follows summer time: 12:00 UTC in July is 14:00 in Paris', () => {
    expect(sut.formatTime('2026-07-01T12:00:00Z', 'fr')).toBe('14:00');
  });

  it('writes a session’s start in full, with its weekday, on a Paris clock', () => {
    expect(sut.formatLongDateTime('2026-12-17T13:00:00Z', 'fr')).toBe('jeudi 17 décembre 2026 à 14:00');
    expect(sut.formatLongDateTime('2026-12-17T13:00:00Z', 'en')).toBe('Thursday, 17 December 2026 at 14:00');
  });

  it('says the zone of a time that stands alone', () => {
    expect(sut.formatTimeInParis('2026-12-17T13:00:00Z', 'fr')).toBe('14:00 (heure de Paris)');
    expect(sut.formatTimeInParis('2026-12-17T13:00:00Z', 'en')).toBe('14:00 (Paris time)');
    expect(sut.parisTimeNote('en')).toBe('All times are Paris time.');
  });

  it('dates an instant by the day it was in Paris: 23:30 UTC on 31 December is 1 January', () => {
    expect(sut.formatDate('2026-12-31T23:30:00Z', 'fr')).toBe('1 janvier 2027');
    expect(sut.formatDate('2026-12-31T23:30:00Z', 'en')).toBe('1 January 2027');
    expect(sut.parisToday(Date.parse('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });

  it('keeps a legal day (YYYY-MM-DD) the day it is', () => {
    expect(sut.formatDate('2017-12-22', 'fr')).toBe('22 décembre 2017');
    expect(sut.formatDate('2023-10-13', 'en')).toBe('13 October 2023');
  });

  it('names a calendar’s month and its weekdays, Monday first', () => {
    expect(sut.formatMonth('2026-12', 'fr')).toBe('décembre 2026');
    expect(sut.weekdayNames('fr')).toEqual(['lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.', 'dim.']);
    expect(sut.weekdayNames('en')[0]).toBe('Mon');
  });

  it('writes numbers as the locale does', () => {
    expect(sut.formatNumber(38.5, 2, 'fr')).toBe('38,50');
    expect(sut.formatNumber(38.5, 2, 'en')).toBe('38.50');
  });
});

describe('the client formats dates and times in one place', () => {
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));

  it('has no toLocale*String, Intl.DateTimeFormat or local-clock getter outside lib/format.ts', () => {
    const offenders = files('client/src')
      .filter((file) => /\.(ts|svelte)$/.test(file) && !file.endsWith(path.join('lib', 'format.ts')))
      .flatMap((file) =>
        fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
          .filter(({ line }) => /toLocale(Date|Time)?String|Intl\.DateTimeFormat|\.get(Hours|Minutes|Date|Day|Month|FullYear)\(/.test(line))
          .map(({ at }) => at),
      );
    expect(offenders).toEqual([]);
  });
});
