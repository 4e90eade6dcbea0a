/**
 * The word diff as it was before the linear-space search (shared/text-diff.ts until then):
 * Myers' O(ND) search keeping a copy of its frontier for every step, O(D·(n + m)) memory.
 * Kept as the reference the new diff is checked against, and as the "before" of
 * `npm run bench -- diff`. Not for production use: a rewritten article costs it seconds.
 */
import type { DiffOp } from '../../shared/word-diff.ts';

// Elided articles and pronouns (l', d', qu', jusqu', lorsqu'…) are tokens of their own, so
// that "l'article" → "l'avenant" is one changed word; « guillemets » are tokens; every
// kind of space (including U+00A0 and U+202F, which French typography puts before ; : ! ?
// and inside guillemets) is whitespace.
const TOKEN = new RegExp(
  [
    '\\n', // a block boundary
    '[^\\S\\n]+', // whitespace, any kind but the newline
    "[\\p{L}]+['’](?=[\\p{L}\\p{N}])", // an elision: l' d' qu' jusqu'
    '\\p{N}+(?:[.,\\u00A0\\u202F]\\p{N}+)*(?:\\s?%)?', // numbers: 38,50 · 1 000 · 50 %
    '[\\p{L}\\p{N}]+(?:[-‐][\\p{L}\\p{N}]+)*', // words, hyphenated compounds: peut-être, L2232-12
    '[«»‹›“”"]', // quotation marks
    '[\\s\\S]', // any other character (punctuation)
  ].join('|'),
  'gu',
);

/** Splits French text into words, elisions, quotation marks, punctuation and spaces. */
function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** What two tokens are compared by: every run of spaces is the same space, ’ is '. */
function keyOf(token: string): string {
  if (token !== '\n' && /^\s+$/.test(token)) return ' ';
  return token.replace(/’/g, "'").replace(/[\u00A0\u202F]/g, ' ');
}

/** Myers' O(ND) shortest edit script over two token sequences (indexes into `b` for equal/insert, `a` for delete). */
function editScript(a: readonly string[], b: readonly string[]): { op: DiffOp['op']; index: number }[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  search: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) break search;
    }
  }
  const steps: { op: DiffOp['op']; index: number }[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      steps.push({ op: 'equal', index: y - 1 });
      x--;
      y--;
    }
    if (d === 0) break;
    if (x === prevX) steps.push({ op: 'insert', index: prevY });
    else steps.push({ op: 'delete', index: prevX });
    x = prevX;
    y = prevY;
  }
  return steps.reverse();
}

/** The old word diff's edit script, before regrouping; equal runs carry the new text's spelling. */
export function legacyWordEdits(from: string, to: string): { ops: DiffOp[]; edits: number } {
  const a = tokenize(from);
  const b = tokenize(to);
  const ka = a.map(keyOf);
  const kb = b.map(keyOf);
  // Trim the common head and tail: most edits touch a few words of a long article.
  let head = 0;
  while (head < ka.length && head < kb.length && ka[head] === kb[head]) head++;
  let tail = 0;
  while (tail < ka.length - head && tail < kb.length - head && ka[ka.length - 1 - tail] === kb[kb.length - 1 - tail]) tail++;
  const script = editScript(ka.slice(head, ka.length - tail), kb.slice(head, kb.length - tail));
  const out: DiffOp[] = [];
  const push = (op: DiffOp['op'], text: string): void => {
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else if (text !== '') out.push({ op, text });
  };
  push('equal', b.slice(0, head).join(''));
  for (const step of script) {
    if (step.op === 'delete') push('delete', a[head + step.index]);
    else push(step.op, b[head + step.index]);
  }
  push('equal', b.slice(b.length - tail).join(''));
  return { ops: out, edits: script.filter((step) => step.op !== 'equal').length };
}

/** The old word diff, as it read. */
export function legacyDiffWords(from: string, to: string): DiffOp[] {
  return regroup(legacyWordEdits(from, to).ops);
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
    if (op.op === 'equal' && /^[^\S\n]+$/.test(op.text) && prev && prev.op !== 'equal' && next && next.op !== 'equal') {
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

