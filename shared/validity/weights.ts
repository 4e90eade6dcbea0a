/**
 * Representativeness weights, exactly. Published arrêtés give percentages with two
 * decimals; the rules compare sums with 30 % and 50 %, where a float sum
 * (1.42 + 16.99 + 11.59 = 29.999999999999996) would decide the fate of an agreement by a
 * rounding error. So every weight is read as an integer number of hundredths of a percent
 * (38.5 → 3850), summed and compared as integers, and turned back into a number only for
 * display.
 */

export const HUNDRED_PERCENT = 10_000;
export const THIRTY_PERCENT = 3_000;
export const FIFTY_PERCENT = 5_000;
/** Published arrêtés round: a total of 99.99 or 100.01 is accepted as published. */
export const SUM_TOLERANCE = 1;

const TWO_DECIMALS = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Whether a JSON number is a non-negative percentage with at most two decimals. Decided on
 * the number's shortest decimal form (what `JSON.stringify` prints), so 35.18 passes and
 * 35.185 or 1e-7 do not.
 */
export function hasAtMostTwoDecimals(value: number): boolean {
  return Number.isFinite(value) && TWO_DECIMALS.test(String(value));
}

/** 38.5 → 3850, exactly (from the decimal digits, never by multiplying a float). */
export function toHundredths(value: number): number {
  const match = TWO_DECIMALS.exec(String(value));
  if (!match) throw new RangeError(`A non-negative weight with at most two decimals is expected: ${value}`);
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** 6150 → 61.5 (the nearest double to the decimal, which JSON prints as 61.5). */
export function fromHundredths(hundredths: number): number {
  return hundredths / 100;
}

/** 3850 → "38,50 %" (French decimal comma, narrow no-break space before %). */
export function formatPercent(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}\u202f%`;
}
