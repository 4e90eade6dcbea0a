/**
 * The French-aware word diff behind every comparison of texts (versions, amendments): the
 * text is cut into words, elisions, quotation marks, punctuation and spaces, and the
 * shortest edit script between the two token lists is found with Myers' O(ND) algorithm in
 * its linear-space form (the "middle snake", Myers 1986 §4b). It runs on the server's event
 * loop and in the browser, so its cost is bounded: past `MAX_EDIT_TOKENS` tokens to delete
 * or insert, the text is reported as replaced as a whole instead of searched further.
 *
 * Written here rather than taken from a library because shared/ imports nothing but zod
 * and yjs; the search follows diff-match-patch's `diff_bisect`, run over interned tokens.
 */

export type DiffOp = { op: 'equal' | 'insert' | 'delete'; text: string };

export interface WordDiff {
  ops: DiffOp[];
  /** The texts differ by more than the bound: `ops` deletes one and inserts the other. */
  replaced: boolean;
}

/**
 * The largest edit (tokens deleted plus tokens inserted, a changed word counting two)
 * searched for, about 1,500 words replaced. The search costs about D² steps (up to
 * (n + m)·D): a wholly rewritten 3,000-word article (13,000 tokens on the two sides, D
 * near 6,200) would take a third of a second of CPU; past the bound it is given up within
 * tens of milliseconds (`npm run bench -- diff`). By then the change is no longer one a
 * word diff helps to read.
 */
export const MAX_EDIT_TOKENS = 3_000;

// Elided articles and pronouns (l', d', qu', jusqu', lorsqu'…) are tokens of their own, so
// that "l'article" → "l'avenant" is one changed word; « guillemets » are tokens; every
// kind of space (including U+00A0 and U+202F, which French typography puts before ; : ! ?
// and inside guillemets) is whitespace.
const TOKEN = new RegExp(
  [
    '\\n', // a block boundary
    '[^\\S\\n]+', // whitespace, any kind but the newline
    "[\\p{L}]+['’](?=[\\p{L}\\p{N}])", // an elision: l' d' qu' jusqu'
    '\\p{N}+(?:[.,\\u00A0\\u202F]\\p{N}+)*(?:[^\\S\\n]?%)?', // numbers: 38,50 · 1 000 · 50 % (never across blocks)
    '[\\p{L}\\p{N}]+(?:[-‐][\\p{L}\\p{N}]+)*', // words, hyphenated compounds: peut-être, L2232-12
    '[«»‹›“”"]', // quotation marks
    '[\\s\\S]', // any other character (punctuation)
  ].join('|'),
  'gu',
);

/** Splits French text into words, elisions, quotation marks, punctuation and spaces. */
export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

const SPACES = /^[^\S\n]+$/;

/** What two tokens are compared by: every run of spaces is the same space, ’ is '. */
function keyOf(token: string): string {
  if (SPACES.test(token)) return ' ';
  return token.replace(/’/g, "'").replace(/[\u00A0\u202F]/g, ' ');
}

/** Each distinct key becomes a small integer, so that comparing two tokens is one integer compare. */
function intern(a: readonly string[], b: readonly string[]): [Int32Array, Int32Array] {
  const ids = new Map<string, number>();
  // A text has a few hundred distinct tokens: each is keyed once.
  const idOfToken = new Map<string, number>();
  const encode = (tokens: readonly string[]) => {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      let id = idOfToken.get(tokens[i]);
      if (id === undefined) {
        const key = keyOf(tokens[i]);
        id = ids.get(key);
        if (id === undefined) {
          id = ids.size;
          ids.set(key, id);
        }
        idOfToken.set(tokens[i], id);
      }
      out[i] = id;
    }
    return out;
  };
  return [encode(a), encode(b)];
}

type Emit = (op: DiffOp['op'], from: number, to: number) => void;
const DISJOINT = 0;
const TOO_FAR = 1;

/**
 * The middle snake of a[aLo, aHi) × b[bLo, bHi), both non-empty and differing at both
 * ends: a point [x, y] on a shortest path, found by searching from both corners at once
 * until the frontiers overlap (at d ≈ D/2). DISJOINT when the two have no token in
 * common, TOO_FAR when D exceeds `limit`.
 */
function bisect(
  a: Int32Array,
  b: Int32Array,
  [aLo, aHi, bLo, bHi]: readonly [number, number, number, number],
  frontiers: { forward: Int32Array; backward: Int32Array; halfBound: number },
  limit: number,
): [number, number] | typeof DISJOINT | typeof TOO_FAR {
  // Locals, not closure variables: the loops below are the whole cost of a large diff.
  const { forward, backward, halfBound } = frontiers;
  const x = a.subarray(aLo, aHi);
  const y = b.subarray(bLo, bHi);
  const n = x.length;
  const m = y.length;
  const maxD = Math.min(Math.ceil((n + m) / 2), halfBound);
  const offset = maxD;
  const length = 2 * maxD;
  forward.fill(-1, 0, length + 2);
  backward.fill(-1, 0, length + 2);
  forward[offset + 1] = 0;
  backward[offset + 1] = 0;
  const delta = n - m;
  // With an odd delta the forward path overlaps the backward one; with an even one, the reverse.
  const front = (delta & 1) !== 0;
  // Diagonals that ran off the grid are not explored again.
  let k1start = 0;
  let k1end = 0;
  let k2start = 0;
  let k2end = 0;
  for (let d = 0; d < maxD; d++) {
    // D has the parity of delta; step d finds it if it is 2d - 1 (odd) or 2d (even).
    if ((front ? 2 * d - 1 : 2 * d) > limit) return TOO_FAR;
    for (let k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
      const k1offset = offset + k1;
      let x1 = k1 === -d || (k1 !== d && forward[k1offset - 1] < forward[k1offset + 1]) ? forward[k1offset + 1] : forward[k1offset - 1] + 1;
      let y1 = x1 - k1;
      while (x1 < n && y1 < m && x[x1] === y[y1]) {
        x1++;
        y1++;
      }
      forward[k1offset] = x1;
      if (x1 > n) k1end += 2;
      else if (y1 > m) k1start += 2;
      else if (front) {
        const k2offset = offset + delta - k1;
        if (k2offset >= 0 && k2offset < length && backward[k2offset] !== -1 && x1 >= n - backward[k2offset]) return [x1, y1];
      }
    }
    for (let k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
      const k2offset = offset + k2;
      let x2 = k2 === -d || (k2 !== d && backward[k2offset - 1] < backward[k2offset + 1]) ? backward[k2offset + 1] : backward[k2offset - 1] + 1;
      let y2 = x2 - k2;
      while (x2 < n && y2 < m && x[n - x2 - 1] === y[m - y2 - 1]) {
        x2++;
        y2++;
      }
      backward[k2offset] = x2;
      if (x2 > n) k2end += 2;
      else if (y2 > m) k2start += 2;
      else if (!front) {
        const k1offset = offset + delta - k2;
        if (k1offset >= 0 && k1offset < length && forward[k1offset] !== -1) {
          const x1 = forward[k1offset];
          if (x1 >= n - x2) return [x1, x1 - (k1offset - offset)];
        }
      }
    }
  }
  // Every diagonal explored without meeting: the two have nothing in common.
  return DISJOINT;
}

/**
 * The shortest edit script between `a` and `b`, reported in order through `emit` as runs
 * of equal (indexes into b), deleted (into a) and inserted (into b) tokens. Returns false,
 * having emitted nothing, when it needs more than `maxEdits` deletions and insertions.
 */
function editScript(a: Int32Array, b: Int32Array, maxEdits: number, emit: Emit): boolean {
  // The two frontiers of the search, shared by every step of the recursion (each step
  // finishes with them before the next begins): linear space, allocated once.
  const halfBound = Math.ceil(maxEdits / 2) + 2;
  const size = 2 * (Math.min(Math.ceil((a.length + b.length) / 2), halfBound) + 1);
  const frontiers = { forward: new Int32Array(size), backward: new Int32Array(size), halfBound };
  let bounded = true;

  /** Emits the script of a[aLo, aHi) × b[bLo, bHi); false when the bound was passed. */
  const diff = (aLo: number, aHi: number, bLo: number, bHi: number): boolean => {
    let head = 0;
    while (aLo + head < aHi && bLo + head < bHi && a[aLo + head] === b[bLo + head]) head++;
    let tail = 0;
    while (aHi - tail > aLo + head && bHi - tail > bLo + head && a[aHi - 1 - tail] === b[bHi - 1 - tail]) tail++;
    const [aFrom, aTo, bFrom, bTo] = [aLo + head, aHi - tail, bLo + head, bHi - tail];
    // A pure insertion or deletion needs no search, however long.
    const split = aFrom < aTo && bFrom < bTo ? bisect(a, b, [aFrom, aTo, bFrom, bTo], frontiers, bounded ? maxEdits : Infinity) : DISJOINT;
    if (split === TOO_FAR) return false;
    // The halves' edits add up to the whole's, which is within the bound: no more cut-offs.
    bounded = false;
    if (head > 0) emit('equal', bLo, bLo + head);
    if (split === DISJOINT) {
      if (aFrom < aTo) emit('delete', aFrom, aTo);
      if (bFrom < bTo) emit('insert', bFrom, bTo);
    } else {
      const [x, y] = split;
      diff(aFrom, aFrom + x, bFrom, bFrom + y);
      diff(aFrom + x, aTo, bFrom + y, bTo);
    }
    if (tail > 0) emit('equal', bHi - tail, bHi);
    return true;
  };

  return diff(0, a.length, 0, b.length);
}

/**
 * The blocks two texts share at their start and at their end, as character offsets: the
 * head ends just after a newline, the tail starts at one. A newline is a token of its own,
 * so the text between tokenises as it does within the whole.
 */
function commonBlocks(from: string, to: string): { head: number; fromTail: number; toTail: number } {
  const shorter = Math.min(from.length, to.length);
  let prefix = 0;
  while (prefix < shorter && from.charCodeAt(prefix) === to.charCodeAt(prefix)) prefix++;
  // Nothing in common, the whole text, or up to the last newline the two share.
  const head = prefix === 0 ? 0 : prefix === from.length && prefix === to.length ? prefix : from.lastIndexOf('\n', prefix - 1) + 1;
  let suffix = 0;
  while (suffix < shorter - head && from.charCodeAt(from.length - 1 - suffix) === to.charCodeAt(to.length - 1 - suffix)) suffix++;
  const newline = suffix === 0 ? -1 : from.indexOf('\n', from.length - suffix);
  const tail = newline === -1 ? 0 : from.length - newline;
  return { head, fromTail: from.length - tail, toTail: to.length - tail };
}

/**
 * The shortest edit script between two texts as runs of tokens, before they are regrouped
 * for reading (equal runs carry the new text's spelling), and its length in tokens deleted
 * and inserted; null past `maxEdits`.
 */
export function wordEdits(from: string, to: string, maxEdits = MAX_EDIT_TOKENS): { ops: DiffOp[]; edits: number } | null {
  // Most comparisons change a few words of a long text: the blocks around them are equal
  // without being tokenised.
  const { head, fromTail, toTail } = commonBlocks(from, to);
  const a = tokenize(from.slice(head, fromTail));
  const b = tokenize(to.slice(head, toTail));
  const [ka, kb] = intern(a, b);
  const out: DiffOp[] = [];
  const push = (op: DiffOp['op'], text: string) => {
    if (text === '') return;
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  };
  push('equal', to.slice(0, head));
  let edits = 0;
  const emit: Emit = (op, start, end) => {
    if (op !== 'equal') edits += end - start;
    push(op, (op === 'delete' ? a : b).slice(start, end).join(''));
  };
  if (!editScript(ka, kb, maxEdits, emit)) return null;
  push('equal', to.slice(toTail));
  return { ops: out, edits };
}

/**
 * Word-level diff of two texts, for reading; past `maxEdits` tokens to delete and insert
 * (a changed word counts two, spaces count), the texts are reported as replaced as a whole.
 */
export function wordDiff(from: string, to: string, maxEdits = MAX_EDIT_TOKENS): WordDiff {
  const script = wordEdits(from, to, maxEdits);
  if (script) return { ops: regroup(script.ops), replaced: false };
  const ops: DiffOp[] = [];
  if (from) ops.push({ op: 'delete', text: from });
  if (to) ops.push({ op: 'insert', text: to });
  return { ops, replaced: true };
}

/** Word-level diff of two texts (see `wordDiff`), the ops only. */
export function diffWords(from: string, to: string): DiffOp[] {
  return wordDiff(from, to).ops;
}

/**
 * A single space kept between two changes reads as part of them: "‹a b› ‹c d›" rather
 * than "a" " " "b"… — deletions then insertions, in one block each.
 */
function regroup(ops: DiffOp[]): DiffOp[] {
  const out: DiffOp[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    const prev = out[out.length - 1];
    const next = ops[i + 1];
    if (op.op === 'equal' && SPACES.test(op.text) && prev && prev.op !== 'equal' && next && next.op !== 'equal') {
      // Fold the space into the surrounding change on both sides.
      const del = out.length >= 2 && out[out.length - 2].op === 'delete' && prev.op === 'insert' ? out[out.length - 2] : prev.op === 'delete' ? prev : null;
      const ins = prev.op === 'insert' ? prev : null;
      if (del) del.text += op.text;
      else out.push({ op: 'delete', text: op.text });
      if (ins) ins.text += op.text;
      else out.push({ op: 'insert', text: op.text });
      continue;
    }
    if (op.op !== 'equal' && prev && prev.op !== 'equal') {
      // Keep one delete block followed by one insert block.
      const del = prev.op === 'delete' ? prev : out.length >= 2 && out[out.length - 2].op === 'delete' ? out[out.length - 2] : null;
      const ins = prev.op === 'insert' ? prev : null;
      if (op.op === 'delete') {
        if (del) del.text += op.text;
        else out.splice(out.length - 1, 0, { op: 'delete', text: op.text });
      } else if (ins) ins.text += op.text;
      else out.push({ op: 'insert', text: op.text });
      continue;
    }
    out.push({ ...op });
  }
  return out;
}
