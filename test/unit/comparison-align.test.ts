import { describe, expect, it } from 'vitest';
import { alignToParagraphs } from '../../server/export/comparison.ts';
import type { DiffOp } from '../../shared/word-diff.ts';

const apply = (ops: DiffOp[], side: 'old' | 'new') => ops.filter((o) => o.op === 'equal' || o.op === (side === 'old' ? 'delete' : 'insert')).map((o) => o.text).join('');

describe('tracked changes start at a paragraph break when the text allows', () => {
  it('an added paragraph leaves the previous one whole, its final full stop unchanged', () => {
    const diff: DiffOp[] = [
      { op: 'equal', text: 'Temps de travail effectif' },
      { op: 'insert', text: '.\nLa pause est prise hors de la présence des usagers' },
      { op: 'equal', text: '.' },
    ];
    const aligned = alignToParagraphs(diff);
    expect(aligned).toEqual([
      { op: 'equal', text: 'Temps de travail effectif.' },
      { op: 'insert', text: '\nLa pause est prise hors de la présence des usagers.' },
    ]);
    for (const side of ['old', 'new'] as const) expect(apply(aligned, side)).toBe(apply(diff, side));
  });

  it('a removed paragraph the same way; a replacement or an edit with no break to go to is left alone', () => {
    const removed: DiffOp[] = [{ op: 'equal', text: 'Un.\nDeux' }, { op: 'delete', text: '.\nTrois' }, { op: 'equal', text: '.' }];
    expect(alignToParagraphs(removed)).toEqual([{ op: 'equal', text: 'Un.\nDeux.' }, { op: 'delete', text: '\nTrois.' }]);
    const replaced: DiffOp[] = [{ op: 'equal', text: 'de ' }, { op: 'delete', text: 'vingt' }, { op: 'insert', text: 'trente' }, { op: 'equal', text: ' minutes' }];
    expect(alignToParagraphs(replaced)).toEqual(replaced);
    const word: DiffOp[] = [{ op: 'equal', text: 'la pause ' }, { op: 'insert', text: 'longue ' }, { op: 'equal', text: 'est' }];
    expect(alignToParagraphs(word)).toEqual(word);
  });
});
