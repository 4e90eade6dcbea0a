import { PARIS, parisParts } from './paris-time.ts';

/**
 * iCalendar (RFC 5545) for sessions and phase deadlines: CRLF line ends, lines folded at 75
 * octets (never inside a UTF-8 character), TEXT values escaped, a UID and DTSTAMP per
 * event, local times with TZID=Europe/Paris and the VTIMEZONE that defines it.
 */

export interface IcsEvent {
  uid: string;
  /** UTC instants; `allDay` events use the Paris date of `start`. */
  start: string;
  end?: string;
  allDay?: boolean;
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  /** Set on the last modification (DTSTAMP otherwise). */
  sequence?: number;
  status?: 'CONFIRMED' | 'CANCELLED' | 'TENTATIVE';
  /** `mailto:` of whoever convenes: required by an invitation (METHOD:REQUEST or CANCEL). */
  organizer?: string;
}

const CRLF = '\r\n';

/** TEXT escaping (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

const encoder = new TextEncoder();

/** Folds a content line into chunks of at most 75 octets, continuation lines starting with a space. */
export function foldLine(line: string): string {
  const chunks: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    if (octets + size > limit) {
      chunks.push(current);
      current = '';
      octets = 0;
      limit = 74; // the leading space of a continuation line counts
    }
    current += ch;
    octets += size;
  }
  chunks.push(current);
  return chunks.join(`${CRLF} `);
}

/** 2023-09-26T08:00:00.000Z → 20230926T080000Z. */
export function utcStamp(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '').slice(0, 15) + 'Z';
}

/** The Paris wall-clock time of an instant, for DTSTART;TZID=Europe/Paris. */
export function parisStamp(iso: string): string {
  const { date, time, seconds } = parisParts(new Date(iso));
  return `${date.replace(/-/g, '')}T${time.replace(':', '')}${seconds}`;
}

/** Europe/Paris since 1996: CET, CEST from the last Sunday of March to the last Sunday of October. */
const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${PARIS}`,
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19810329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19961027T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10).replace(/-/g, '');
}

function eventLines(event: IcsEvent, now: string): string[] {
  const lines = ['BEGIN:VEVENT', `UID:${event.uid}`, `DTSTAMP:${utcStamp(now)}`];
  if (event.allDay) {
    const date = parisParts(new Date(event.start)).date;
    lines.push(`DTSTART;VALUE=DATE:${date.replace(/-/g, '')}`, `DTEND;VALUE=DATE:${nextDay(date)}`);
  } else {
    lines.push(`DTSTART;TZID=${PARIS}:${parisStamp(event.start)}`);
    if (event.end) lines.push(`DTEND;TZID=${PARIS}:${parisStamp(event.end)}`);
  }
  lines.push(`SUMMARY:${escapeText(event.summary)}`);
  if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
  if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`);
  // A URI value is not TEXT: it is not escaped.
  if (event.url) lines.push(`URL:${event.url}`);
  if (event.sequence !== undefined) lines.push(`SEQUENCE:${event.sequence}`);
  if (event.status) lines.push(`STATUS:${event.status}`);
  if (event.organizer) lines.push(`ORGANIZER:${event.organizer}`);
  lines.push('END:VEVENT');
  return lines;
}

/**
 * A whole VCALENDAR, ready to serve as text/calendar. `PUBLISH` (the default) for a feed;
 * `REQUEST` for an invitation mailed to attendees, `CANCEL` to withdraw it (RFC 5546).
 */
export function renderCalendar(input: { name: string; events: readonly IcsEvent[]; now: string; method?: 'PUBLISH' | 'REQUEST' | 'CANCEL' }): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Espace de negociation//Seances//FR',
    'CALSCALE:GREGORIAN',
    `METHOD:${input.method ?? 'PUBLISH'}`,
    `X-WR-CALNAME:${escapeText(input.name)}`,
    `X-WR-TIMEZONE:${PARIS}`,
    ...VTIMEZONE,
    ...input.events.flatMap((e) => eventLines(e, input.now)),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}
