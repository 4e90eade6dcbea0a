import { describe, expect, it } from 'vitest';
import { amendmentDiffs, applyToBlocks, spansOverlap, targetSpans, targetText } from '../../shared/amendments/amendment.ts';

const ARTICLE = [
  'Le salarié bénéficie d’une pause de vingt minutes.',
  'La pause est prise au milieu de la journée, et la pause du soir est facultative.',
];

describe('an amendment applied to an article’s text', () => {
  it('replaces every occurrence of the words, or only the one it names', () => {
    expect(applyToBlocks(ARTICLE, { kind: 'replace-words', from: 'pause', to: 'coupure' })).toEqual([
      'Le salarié bénéficie d’une coupure de vingt minutes.',
      'La coupure est prise au milieu de la journée, et la coupure du soir est facultative.',
    ]);
    expect(applyToBlocks(ARTICLE, { kind: 'replace-words', from: 'pause', to: 'coupure', occurrence: 3 })?.[1]).toBe(
      'La pause est prise au milieu de la journée, et la coupure du soir est facultative.',
    );
  });

  it('is not applicable when its words or its alinéa are not in the text', () => {
    expect(applyToBlocks(ARTICLE, { kind: 'replace-words', from: 'trente minutes', to: 'x' })).toBeNull();
    expect(applyToBlocks(ARTICLE, { kind: 'replace-words', from: 'pause', to: 'x', occurrence: 4 })).toBeNull();
    expect(applyToBlocks(ARTICLE, { kind: 'delete-paragraph', index: 3 })).toBeNull();
    expect(applyToBlocks(ARTICLE, { kind: 'insert-paragraph', after: 5, text: 'x' })).toBeNull();
  });

  it('deletes words with the space that went with them', () => {
    expect(applyToBlocks(ARTICLE, { kind: 'delete-words', words: 'du soir' })?.[1]).toBe(
      'La pause est prise au milieu de la journée, et la pause est facultative.',
    );
    expect(applyToBlocks(['Une pause facultative.'], { kind: 'delete-words', words: 'facultative' })).toEqual(['Une pause.']);
  });

  it('inserts, deletes and rewrites alinéas', () => {
    expect(applyToBlocks(ARTICLE, { kind: 'insert-paragraph', text: 'Nouveau.' })).toEqual([...ARTICLE, 'Nouveau.']);
    expect(applyToBlocks(ARTICLE, { kind: 'insert-paragraph', after: 0, text: 'Premier.\nDeuxième.' })).toEqual(['Premier.', 'Deuxième.', ...ARTICLE]);
    expect(applyToBlocks(ARTICLE, { kind: 'delete-paragraph', index: 1 })).toEqual([ARTICLE[1]]);
    expect(applyToBlocks(ARTICLE, { kind: 'replace-article', text: 'Un.\n\nDeux.' })).toEqual(['Un.', 'Deux.']);
    expect(applyToBlocks(ARTICLE, { kind: 'delete-article' })).toEqual([]);
    expect(applyToBlocks(ARTICLE, { kind: 'renumber-article', newNumber: '3 bis' })).toEqual(ARTICLE);
  });
});

describe('competing and outdated amendments', () => {
  it('amendments on the same words compete; on other words or other alinéas they do not', () => {
    const twenty = targetSpans(ARTICLE, { kind: 'replace-words', from: 'vingt minutes', to: 'trente minutes' }, null);
    const minutes = targetSpans(ARTICLE, { kind: 'delete-words', words: 'minutes' }, null);
    const second = targetSpans(ARTICLE, { kind: 'delete-paragraph', index: 2 }, null);
    const whole = targetSpans(ARTICLE, { kind: 'replace-article', text: 'x' }, null);
    expect(spansOverlap(twenty, minutes)).toBe(true);
    expect(spansOverlap(twenty, second)).toBe(false);
    expect(spansOverlap(whole, second)).toBe(true);
    expect(spansOverlap(targetSpans(ARTICLE, { kind: 'renumber-article', newNumber: '4' }, null), whole)).toBe(false);
  });

  it('an anchored amendment targets its passage; two insertions at the same place compete', () => {
    expect(targetSpans(ARTICLE, { kind: 'replace-words', from: 'pause', to: 'x' }, { start: 3, end: 10 })).toEqual([{ start: 3, end: 10 }]);
    const atEnd = targetSpans(ARTICLE, { kind: 'insert-paragraph', text: 'a' }, null);
    expect(spansOverlap(atEnd, targetSpans(ARTICLE, { kind: 'insert-paragraph', text: 'b' }, null))).toBe(true);
    expect(spansOverlap(atEnd, targetSpans(ARTICLE, { kind: 'replace-words', from: 'vingt', to: 'x' }, null))).toBe(false);
  });

  it('is outdated when the paragraph holding its words changed, not when another one did', () => {
    const content = { kind: 'replace-words' as const, from: 'vingt minutes', to: 'trente minutes' };
    const before = targetText(ARTICLE, content, null);
    expect(targetText([ARTICLE[0], 'Autre rédaction du second alinéa.'], content, null)).toBe(before);
    expect(targetText(['Le salarié bénéficie d’une pause de vingt minutes au moins.', ARTICLE[1]], content, null)).not.toBe(before);
  });

  it('shows its diff against the base and against the current text', () => {
    const current = [ARTICLE[0].replace('vingt', 'vingt-cinq'), ARTICLE[1]];
    const diffs = amendmentDiffs(ARTICLE, current, { kind: 'replace-words', from: 'vingt minutes', to: 'trente minutes' });
    expect(diffs.diffAgainstBase.filter((d) => d.op !== 'equal').map((d) => d.text)).toEqual(['vingt', 'trente']);
    expect(diffs.diffAgainstCurrent).toBeNull();
    expect(diffs.diffBaseToCurrent.some((d) => d.op === 'insert' && d.text.includes('vingt-cinq'))).toBe(true);
  });
});
