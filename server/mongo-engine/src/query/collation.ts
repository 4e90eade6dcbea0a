// Collation for comparisons, which mingo applies to sorting only. Strength 1 and 2 (the
// case- and accent-insensitive levels) are what applications use; they are honoured by
// matching on a folded copy of the filter and of each document, so the documents returned
// are untouched. Strength 3 (the default) compares like the simple binary collation.
import type { Doc } from '../bson/codec.ts';
import { isPlainObject } from '../bson/paths.ts';

export interface Collation {
  locale?: string;
  strength?: number;
  numericOrdering?: boolean;
  caseLevel?: boolean;
}

/** MongoDB spells locales ICU-style (en_US); JavaScript wants BCP 47 (en-US). */
function bcp47(locale: string | undefined): string | undefined {
  if (!locale) return undefined;
  const tag = locale.replace(/_/g, '-').split('@')[0];
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** A folding function for the collation, or undefined when it compares like binary. */
export function folder(collation: Collation | Doc | undefined): ((s: string) => string) | undefined {
  const c = collation as Collation | undefined;
  if (!c || c.locale === 'simple') return undefined;
  const strength = c.strength ?? 3;
  if (strength >= 3) return undefined;
  const locale = bcp47(c.locale);
  if (strength === 2) return (s) => s.toLocaleLowerCase(locale);
  return (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase(locale);
}

/** The value with every string folded; regular expressions (never collated) are kept. */
export function foldValue(v: unknown, fold: (s: string) => string, inRegex = false): unknown {
  if (typeof v === 'string') return inRegex ? v : fold(v);
  if (Array.isArray(v)) return v.map((x) => foldValue(x, fold));
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const [k, x] of Object.entries(v)) out[k] = foldValue(x, fold, k === '$regex' || k === '$options');
    return out;
  }
  return v;
}

/** A comparator for strings under the collation (for sorting), or undefined for binary order. */
export function stringComparator(collation: Collation | Doc | undefined): ((a: string, b: string) => number) | undefined {
  const c = collation as Collation | undefined;
  if (!c || c.locale === 'simple') return undefined;
  const collator = new Intl.Collator(bcp47(c.locale), {
    sensitivity: c.strength === 1 ? 'base' : c.strength === 2 ? 'accent' : 'variant',
    numeric: c.numericOrdering === true,
  });
  return (a, b) => collator.compare(a, b);
}
