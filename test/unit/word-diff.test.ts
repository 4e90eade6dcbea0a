import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareAgreements } from '../../shared/text-diff.ts';
import { diffWords, MAX_EDIT_TOKENS, wordDiff, wordEdits, type DiffOp } from '../../shared/word-diff.ts';
import { frenchArticle, VOCABULARY } from '../helpers/french-text.ts';
import { legacyDiffWords, legacyWordEdits } from '../helpers/legacy-word-diff.ts';

const newText = (ops: DiffOp[]) => ops.filter((o) => o.op !== 'delete').map((o) => o.text).join('');
const oldText = (ops: DiffOp[]) => ops.filter((o) => o.op !== 'insert').map((o) => o.text).join('');
/** Equal runs carry the new spelling: the old text is rebuilt up to what the diff ignores. */
const typographyBlind = (text: string) => text.replace(/’/g, "'").replace(/[^\S\n]+/g, ' ');

describe('the bound on a word diff', () => {
  const from = 'Les heures supplémentaires sont majorées de 25 %.';
  const to = 'Les heures complémentaires sont payées à 10 %.';

  it('diffs word by word a change within the bound, counted in tokens deleted and inserted', () => {
    // "supplémentaires", "majorées", "de" and "25" out; "complémentaires", "payées", "à" and "10" in.
    expect(wordEdits(from, to)?.edits).toBe(8);
    const sut = wordDiff(from, to, 8);
    expect(sut.replaced).toBe(false);
    expect(sut.ops.filter((o) => o.op === 'equal').map((o) => o.text)).toEqual(['Les heures ', ' sont ', '.']);
  });

  it('sees a paragraph break removed at the very start, and nothing else', () => {
    expect(diffWords('\nLes heures', 'Les heures')).toEqual([
      { op: 'delete', text: '\n' },
      { op: 'equal', text: 'Les heures' },
    ]);
  });

  it('reports a text changed past the bound as replaced as a whole', () => {
    expect(wordDiff(from, to, 7)).toEqual({
      replaced: true,
      ops: [
        { op: 'delete', text: from },
        { op: 'insert', text: to },
      ],
    });
    expect(wordEdits(from, to, 7)).toBeNull();
  });

  it('reports a wholly rewritten 3,000-word article as replaced', () => {
    const before = frenchArticle(3_000, 1).join('\n');
    const after = frenchArticle(3_000, 2).join('\n');
    const sut = wordDiff(before, after);
    expect(sut.replaced).toBe(true);
    expect(newText(sut.ops)).toBe(after);
    expect(oldText(sut.ops)).toBe(before);
  });

  it('shows a long insertion as inserted, however long: it needs no search', () => {
    const article = frenchArticle(300, 3);
    const annex = frenchArticle(MAX_EDIT_TOKENS, 4);
    const sut = wordDiff(article.join('\n'), [...article, ...annex].join('\n'));
    expect(sut.replaced).toBe(false);
    expect(sut.ops).toEqual([
      { op: 'equal', text: article.join('\n') },
      { op: 'insert', text: `\n${annex.join('\n')}` },
    ]);
  });

  it('marks a rewritten article as replaced when comparing versions, and an amended one as changed', () => {
    const article = (id: string, blocks: string[]) => ({ id, number: id, title: `Article ${id}`, blocks });
    const amended = frenchArticle(500, 5);
    const sut = compareAgreements(
      { articles: [article('1', frenchArticle(3_000, 1)), article('2', amended)] },
      { articles: [article('1', frenchArticle(3_000, 2)), article('2', [...amended.slice(0, -1), `${amended.at(-1)} Il entre en vigueur le 1er janvier.`])] },
    );
    expect(sut.map((c) => [c.change, c.replaced])).toEqual([
      ['changed', true],
      ['changed', false],
    ]);
    expect(sut[1].diff.filter((o) => o.op === 'insert')).toEqual([{ op: 'insert', text: ' Il entre en vigueur le 1er janvier.' }]);
  });
});

// Random amendments to agreement-like articles: words replaced, deleted or inserted, a
// paragraph split or a line break before a word (at the very start too), typography changed
// (’ for ', a no-break space, a doubled space).
const Edit = fc.record({
  kind: fc.constantFrom('replace', 'delete', 'insert', 'split', 'break', 'typography'),
  at: fc.nat(),
  word: fc.constantFrom(...VOCABULARY),
});
type Edit = typeof Edit extends fc.Arbitrary<infer T> ? T : never;

function amend(text: string, edits: Edit[]): string {
  const words = text.split(' ');
  for (const { kind, at, word } of edits) {
    const i = at % words.length;
    if (kind === 'replace') words[i] = word;
    else if (kind === 'delete' && words.length > 1) words.splice(i, 1);
    else if (kind === 'insert') words.splice(i, 0, word);
    else if (kind === 'split') words[i] = `${words[i]}\n${word}`;
    else if (kind === 'break') words[i] = `\n${words[i]}`;
    else if (kind === 'typography') words[i] = words[i].includes('’') ? words[i].replace('’', "'") : i % 2 ? `${words[i]}\u00A0` : `${words[i]} `;
  }
  return words.join(' ');
}

const Article = fc.record({ words: fc.integer({ min: 1, max: 400 }), seed: fc.nat() }).map(({ words, seed }) => frenchArticle(words, seed).join('\n'));

// Hundreds of diffs each, checked against the old search: compute-bound, so given time on a busy machine.
describe('the same diffs as the former quadratic-space diff', { timeout: 30_000 }, () => {
  it('gives the very same diff for a single change', () => {
    fc.assert(
      fc.property(Article, Edit, (from, edit) => {
        const to = amend(from, [edit]);
        expect(diffWords(from, to)).toEqual(legacyDiffWords(from, to));
        expect(diffWords(to, from)).toEqual(legacyDiffWords(to, from));
      }),
      { numRuns: 500 },
    );
  });

  it('finds an edit as short as it did, from which both texts are rebuilt, for any number of changes', () => {
    fc.assert(
      fc.property(Article, fc.array(Edit, { minLength: 0, maxLength: 40 }), (article, edits) => {
        const amended = amend(article, edits);
        // Both ways: the amendment, and its undoing.
        for (const [from, to] of [
          [article, amended],
          [amended, article],
        ]) {
          expect(wordEdits(from, to, Infinity)?.edits).toBe(legacyWordEdits(from, to).edits);
          const sut = diffWords(from, to);
          expect(newText(sut)).toBe(to);
          expect(typographyBlind(oldText(sut))).toBe(typographyBlind(from));
        }
      }),
      { numRuns: 300 },
    );
  });
});
