// Which regular expressions need no time bound. JavaScript's regex engine backtracks: a
// pattern with an unbounded quantifier over a choice ((a+)+, (a|a)*, \s*\s*$) can take
// exponential or polynomial time in the length of the text. A pattern with no unbounded
// quantifier cannot: from each starting position the matcher follows each path through the
// pattern's choices at most once, so its work is at most (paths × steps per path) per
// position, a constant of the pattern, and linear in the text. `^prefix-`, `^A{25}!$` or
// `^(draft|signed)-` are such patterns; they run without the guard of bounds.ts, so a busy
// machine can never get them refused.
//
// The pattern is parsed by regexpp (the ECMAScript regex parser ESLint uses), so the proof
// rests on the same grammar V8 applies. recheck, which also proves linear patterns with
// unbounded quantifiers, was measured here at 40–400 ms per pattern (its JavaScript build,
// synchronous): too slow to run on the engine's thread for each new pattern.
import { RegExpParser } from '@eslint-community/regexpp';
import type { Alternative, Element, Pattern } from '@eslint-community/regexpp/ast';

/** Most steps a pattern may take from one starting position to count as linear. */
export const MAX_STEPS_PER_POSITION = 1_000;
/** Flags that change nothing to backtracking (x, MongoDB's extended syntax, is not JavaScript's). */
const HARMLESS_FLAGS = /^[gimsuyd]*$/;

const parser = new RegExpParser({ ecmaVersion: 2025 });
const proven = new Map<string, boolean>();
const REMEMBERED = 1_000;

/** Whether `source` with `flags` provably matches in time linear in the text. */
export function provenLinear(source: string, flags = ''): boolean {
  const key = `${flags}/${source}`;
  let linear = proven.get(key);
  if (linear === undefined) {
    linear = analyse(source, flags);
    if (proven.size >= REMEMBERED) proven.delete(proven.keys().next().value as string);
    proven.set(key, linear);
  }
  return linear;
}

function analyse(source: string, flags: string): boolean {
  // The v flag's classes may hold strings (a choice each): left to the guard.
  if (!HARMLESS_FLAGS.test(flags)) return false;
  let pattern: Pattern;
  try {
    pattern = parser.parsePattern(source, 0, source.length, { unicode: flags.includes('u') });
  } catch {
    return false; // mingo reports the syntax error itself
  }
  const cost = costOf(pattern.alternatives);
  return cost.paths * cost.steps <= MAX_STEPS_PER_POSITION;
}

/** Paths through the choices and longest path in steps, Infinity when unbounded. */
interface Cost {
  paths: number;
  steps: number;
}

const UNBOUNDED: Cost = { paths: Infinity, steps: Infinity };
const ONE: Cost = { paths: 1, steps: 1 };

function costOf(alternatives: Alternative[]): Cost {
  let paths = 0;
  let steps = 0;
  for (const alternative of alternatives) {
    let p = 1;
    let s = 0;
    for (const element of alternative.elements) {
      const c = elementCost(element);
      p *= c.paths;
      s += c.steps;
      if (p > MAX_STEPS_PER_POSITION) return UNBOUNDED;
    }
    paths += p;
    steps = Math.max(steps, s);
  }
  return paths > MAX_STEPS_PER_POSITION ? UNBOUNDED : { paths, steps };
}

function elementCost(element: Element): Cost {
  switch (element.type) {
    case 'Group':
    case 'CapturingGroup':
      return costOf(element.alternatives);
    case 'Assertion':
      // Lookarounds hold a pattern of their own; ^ $ \b \B are one step.
      return element.kind === 'lookahead' || element.kind === 'lookbehind' ? costOf(element.alternatives) : ONE;
    case 'Quantifier': {
      if (element.max === Infinity) return UNBOUNDED;
      const body = elementCost(element.element);
      // Each count from min to max is a path of its own, its body's paths repeated.
      let paths = 0;
      for (let k = element.min; k <= element.max; k++) {
        paths += body.paths ** k;
        if (paths > MAX_STEPS_PER_POSITION) return UNBOUNDED;
      }
      return { paths, steps: body.steps * element.max };
    }
    case 'Backreference':
      // Compares as much text as its group took: left to the guard.
      return UNBOUNDED;
    default:
      // A character, a class, an escape: one step, no choice.
      return ONE;
  }
}
