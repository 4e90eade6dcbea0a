/**
 * Comparing two states of an agreement, article by article: which articles were added,
 * removed, moved, renumbered or retitled, and a word-level diff inside each changed article.
 * Pure functions: the server compares versions with them, the client could as well.
 */

export type DiffOp = { op: 'equal' | 'insert' | 'delete'; text: string };

/** One article as compared: its place in the outline and its text, block by block. */
export interface ArticleText {
  id: string;
  number: string;
  title: string;
  titre?: string | null;
  chapitre?: string | null;
  status?: string;
  blocks: string[];
}

export interface AgreementText {
  articles: ArticleText[];
}

export interface ArticleComparison {
  id: string;
  /** added / removed: only in `to` / only in `from`; changed: its text differs. */
  change: 'added' | 'removed' | 'changed' | 'unchanged';
  /** Its position relative to the other articles changed. */
  moved: boolean;
  renumbered: boolean;
  retitled: boolean;
  fromNumber: string | null;
  toNumber: string | null;
  fromTitle: string | null;
  toTitle: string | null;
  /** Word-level diff of the text (blocks separated by "\n"); whole insert/delete for added/removed. */
  diff: DiffOp[];
}

export interface ComparisonSummary {
  added: number;
  removed: number;
  changed: number;
  moved: number;
  renumbered: number;
}

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
export function tokenize(text: string): string[] {
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

/** Word-level diff of two texts; equal runs carry the new text's spelling. */
export function diffWords(from: string, to: string): DiffOp[] {
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
  return regroup(out);
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

/** The longest common subsequence of two id lists (outlines are a few hundred articles). */
function stableIds(from: readonly string[], to: readonly string[]): Set<string> {
  const n = from.length;
  const m = to.length;
  const table = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = from[i] === to[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (from[i] === to[j]) {
      kept.add(from[i]);
      i++;
      j++;
    } else if (table[i + 1][j] > table[i][j + 1]) i++;
    else j++;
  }
  return kept;
}

const textOf = (article: ArticleText): string => article.blocks.join('\n');

/**
 * Compares two agreements article by article, in the order of `to` (removed articles
 * where they stood in `from`). Articles are matched by id, so a moved or renumbered
 * article is recognised as the same article.
 */
export function compareAgreements(from: AgreementText, to: AgreementText): ArticleComparison[] {
  const before = new Map(from.articles.map((a) => [a.id, a]));
  const after = new Map(to.articles.map((a) => [a.id, a]));
  const common = (list: ArticleText[], other: Map<string, ArticleText>) => list.filter((a) => other.has(a.id)).map((a) => a.id);
  const stable = stableIds(common(from.articles, after), common(to.articles, before));

  const compareOne = (id: string): ArticleComparison => {
    const a = before.get(id);
    const b = after.get(id);
    if (!a && b) {
      return { id, change: 'added', moved: false, renumbered: false, retitled: false, fromNumber: null, toNumber: b.number, fromTitle: null, toTitle: b.title, diff: [{ op: 'insert', text: textOf(b) }] };
    }
    if (a && !b) {
      return { id, change: 'removed', moved: false, renumbered: false, retitled: false, fromNumber: a.number, toNumber: null, fromTitle: a.title, toTitle: null, diff: [{ op: 'delete', text: textOf(a) }] };
    }
    const x = a as ArticleText;
    const y = b as ArticleText;
    const same = textOf(x) === textOf(y);
    const diff = same ? [{ op: 'equal' as const, text: textOf(y) }] : diffWords(textOf(x), textOf(y));
    return {
      id,
      change: same || diff.every((d) => d.op === 'equal') ? 'unchanged' : 'changed',
      moved: !stable.has(id),
      renumbered: x.number !== y.number,
      retitled: x.title !== y.title,
      fromNumber: x.number,
      toNumber: y.number,
      fromTitle: x.title,
      toTitle: y.title,
      diff,
    };
  };

  // The order of `to`, each removed article slotted after its predecessor in `from`.
  const order: string[] = to.articles.map((a) => a.id);
  from.articles.forEach((a, i) => {
    if (after.has(a.id)) return;
    const predecessor = from.articles
      .slice(0, i)
      .reverse()
      .find((p) => order.includes(p.id));
    order.splice(predecessor ? order.indexOf(predecessor.id) + 1 : 0, 0, a.id);
  });
  return order.map(compareOne);
}

export function summarise(comparisons: readonly ArticleComparison[]): ComparisonSummary {
  return {
    added: comparisons.filter((c) => c.change === 'added').length,
    removed: comparisons.filter((c) => c.change === 'removed').length,
    changed: comparisons.filter((c) => c.change === 'changed').length,
    moved: comparisons.filter((c) => c.moved).length,
    renumbered: comparisons.filter((c) => c.renumbered).length,
  };
}

// --- Versions over HTTP ------------------------------------------------------------------

export const VERSION_KINDS = ['manual', 'session', 'merge', 'signature'] as const;
export type VersionKind = (typeof VERSION_KINDS)[number];

/** `GET /api/negotiations/:id/versions`, newest first. */
export interface VersionSummary {
  id: string;
  name: string;
  kind: VersionKind;
  createdAt: string;
}

export interface VersionAuthor {
  userId: string;
  name: string;
  org?: string | null;
}

/** A version's texts (or the live text, id `live`): the outline and each article's blocks. */
export interface VersionText extends AgreementText {
  id: string;
  name: string;
  kind: VersionKind | 'live';
  reason: string;
  createdAt: string;
  createdBy: VersionAuthor | null;
  articles: (ArticleText & { status?: string; formerNumbers?: string[] })[];
}

/** `GET /api/negotiations/:id/compare?from=…&to=…`. */
export interface Comparison {
  from: Omit<VersionText, 'articles'>;
  to: Omit<VersionText, 'articles'>;
  summary: ComparisonSummary;
  articles: ArticleComparison[];
}
