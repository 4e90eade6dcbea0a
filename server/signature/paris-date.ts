/** The civil date in France (Europe/Paris) of an instant, YYYY-MM-DD: the day the law counts. */
const PARIS = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

export function parisDate(at: Date): string {
  return PARIS.format(at);
}
