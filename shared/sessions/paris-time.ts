/**
 * Sessions are held in Paris: stored as UTC instants, entered and shown in Paris time.
 * The offset comes from the platform's time-zone database (Intl), so the switch to and from
 * summer time follows the law, not a table of our own.
 */
export const PARIS = 'Europe/Paris';

/**
 * Made at the first date read, not when the module loads: a formatter with a time zone loads
 * the zone's rules (46 to 69 ms in Chromium on a busy machine), and every page's first scripts
 * import this module, the text page's too, which shows no date before its editor.
 */
let formatter: Intl.DateTimeFormat | null = null;

/** The wall-clock date and time in Paris of an instant. */
export function parisParts(instant: Date): { date: string; time: string; seconds: string } {
  formatter ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: PARIS,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}`, seconds: parts.second };
}

/** The civil date in France of an instant (a Date or an ISO string), YYYY-MM-DD: the day the law counts. */
export function parisDate(instant: Date | string): string {
  return parisParts(typeof instant === 'string' ? new Date(Date.parse(instant)) : instant).date;
}

/** Minutes Paris is ahead of UTC at that instant (60 in winter, 120 in summer). */
export function parisOffsetMinutes(instant: Date): number {
  const { date, time, seconds } = parisParts(instant);
  const asUtc = Date.parse(`${date}T${time}:${seconds}Z`);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

export const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** "2026-12-03T14:00" read on a Paris clock → the UTC instant. */
export function parisLocalToUtc(local: string): Date {
  if (!LOCAL_DATE_TIME.test(local)) throw new RangeError(`not a local date-time: ${local}`);
  const naive = Date.parse(`${local}:00Z`);
  // Two passes settle the offset, also on the days the clocks change.
  let guess = naive - parisOffsetMinutes(new Date(naive)) * 60_000;
  guess = naive - parisOffsetMinutes(new Date(guess)) * 60_000;
  return new Date(guess);
}

/** The UTC instant → "2026-12-03T14:00" on a Paris clock (for a form's datetime-local). */
export function utcToParisLocal(iso: string): string {
  const { date, time } = parisParts(new Date(iso));
  return `${date}T${time}`;
}

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const DAYS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];

/** "mardi 26 septembre 2023" (Paris date of the instant). */
export function frenchLongDate(iso: string): string {
  const { date } = parisParts(new Date(iso));
  const [y, m, d] = date.split('-').map(Number);
  const weekday = DAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  return `${weekday} ${d === 1 ? '1er' : d} ${MONTHS[m - 1]} ${y}`;
}

/** "14 h 30" (Paris time of the instant), as French minutes write it. */
export function frenchTime(iso: string): string {
  const { time } = parisParts(new Date(iso));
  const [h, min] = time.split(':');
  return `${Number(h)}\u00a0h\u00a0${min}`;
}
