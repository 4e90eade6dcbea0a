import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { compareAgreements, diffWords, summarise, tokenize, type ArticleText } from '../../shared/text-diff.ts';
import {
  blocksOfState,
  deterministicSeed,
  insertArticle,
  readStructure,
  renumberArticles,
  rewriteCrossReferences,
  writeParagraphs,
  type StructureEntry,
} from '../../shared/structure.ts';

const article = (id: string, number: string, title: string, ...blocks: string[]): ArticleText => ({ id, number, title, blocks });
const inserted = (ops: ReturnType<typeof diffWords>) => ops.filter((o) => o.op === 'insert').map((o) => o.text);
const deleted = (ops: ReturnType<typeof diffWords>) => ops.filter((o) => o.op === 'delete').map((o) => o.text);

describe('French-aware tokenisation', () => {
  it('splits elisions from the word they precede', () => {
    expect(tokenize("l'article d’application qu'il")).toEqual(["l'", 'article', ' ', 'd’', 'application', ' ', "qu'", 'il']);
  });

  it('keeps « guillemets » and narrow no-break spaces as tokens of their own', () => {
    expect(tokenize('«\u202Fforfait-jours\u202F»\u00A0;')).toEqual(['«', '\u202F', 'forfait-jours', '\u202F', '»', '\u00A0', ';']);
  });

  it('keeps decimal numbers and percentages whole', () => {
    expect(tokenize('38,50 % des suffrages')).toContain('38,50 %');
  });
});

describe('word-level diff', () => {
  it("marks only the changed word after an elision: l'article → l'avenant", () => {
    const sut = diffWords("Le présent texte modifie l'article 12.", "Le présent texte modifie l'avenant 12.");
    expect(deleted(sut)).toEqual(['article']);
    expect(inserted(sut)).toEqual(['avenant']);
  });

  it('treats a no-break space and a plain space as the same space', () => {
    const sut = diffWords('« durée du travail » : 35 heures', '«\u00A0durée du travail\u00A0»\u00A0: 35 heures');
    expect(sut.every((o) => o.op === 'equal')).toBe(true);
  });

  it('reports an insertion inside guillemets', () => {
    const sut = diffWords('la « durée » du travail', 'la « durée effective » du travail');
    expect(inserted(sut).join('').trim()).toBe('effective');
    expect(deleted(sut)).toEqual([]);
  });

  it('rebuilds both texts from the diff', () => {
    const from = "Les salariés à temps partiel bénéficient d'une majoration de 10 % des heures complémentaires.";
    const to = "Les salariés à temps partiel bénéficient d'une majoration de 25 % des heures complémentaires effectuées au-delà du dixième.";
    const sut = diffWords(from, to);
    expect(sut.filter((o) => o.op !== 'delete').map((o) => o.text).join('')).toBe(to);
    expect(sut.filter((o) => o.op !== 'insert').map((o) => o.text).join('')).toBe(from);
  });
});

describe('comparing two versions article by article', () => {
  const from = {
    articles: [
      article('p', 'Préambule', 'Préambule', 'Les parties conviennent de ce qui suit.'),
      article('a', '1', 'Objet', "Le présent avenant a pour objet de réviser l'article 3."),
      article('b', '2', 'Durée', 'Il est conclu pour une durée indéterminée.'),
      article('c', '3', 'Dépôt', 'Il sera déposé auprès des services du ministère.'),
    ],
  };
  const to = {
    articles: [
      article('p', 'Préambule', 'Préambule', 'Les parties conviennent de ce qui suit.'),
      article('c', '1', 'Dépôt', 'Il sera déposé auprès des services du ministère.'),
      article('a', '2', 'Objet', "Le présent avenant a pour objet de réviser l'article 1."),
      article('d', '3', 'Entrée en vigueur', "Il entre en vigueur le lendemain de son agrément."),
    ],
  };

  it('finds the added, removed, moved and renumbered articles and the changed words', () => {
    const sut = compareAgreements(from, to);
    const byId = Object.fromEntries(sut.map((c) => [c.id, c]));
    expect(byId.d.change).toBe('added');
    expect(byId.b.change).toBe('removed');
    expect(byId.c).toMatchObject({ change: 'unchanged', moved: true, renumbered: true, fromNumber: '3', toNumber: '1' });
    expect(byId.a).toMatchObject({ change: 'changed', moved: false, renumbered: true });
    expect(deleted(byId.a.diff)).toEqual(['3']);
    expect(inserted(byId.a.diff)).toEqual(['1']);
    expect(byId.p).toMatchObject({ change: 'unchanged', moved: false, renumbered: false });
    expect(summarise(sut)).toEqual({ added: 1, removed: 1, changed: 1, moved: 1, renumbered: 2 });
  });

  it('lists removed articles where they stood', () => {
    expect(compareAgreements(from, to).map((c) => c.id)).toEqual(['p', 'c', 'a', 'b', 'd']);
  });
});

describe('the text in Yjs', () => {
  const entry = (id: string, number: string): StructureEntry => ({
    id,
    number,
    title: `Article ${number}`,
    titre: null,
    chapitre: null,
    kind: 'article',
    status: 'open',
    formerNumbers: [],
  });

  it('seeds deterministically: seeding twice gives one copy', () => {
    const seed = () => deterministicSeed((d) => writeParagraphs(d, ['Premier alinéa.', 'Second alinéa.']));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, seed());
    Y.applyUpdate(doc, seed());
    expect(blocksOfState(Y.encodeStateAsUpdate(doc))).toEqual(['Premier alinéa.', 'Second alinéa.']);
  });

  it('renumbering keeps the former numbers and rewrites cross-references', () => {
    const doc = new Y.Doc();
    insertArticle(doc, entry('x', '3'));
    insertArticle(doc, entry('y', '4'));
    const applied = renumberArticles(doc, { x: '4', y: '5' });
    expect(applied).toEqual({ '3': '4', '4': '5' });
    expect(readStructure(doc).map((e) => [e.number, e.formerNumbers])).toEqual([
      ['4', ['3']],
      ['5', ['4']],
    ]);
    expect(rewriteCrossReferences("Voir l'article 3 et l'article\u00A04 ; l'article 12 est inchangé.", applied)).toBe(
      "Voir l'article 4 et l'article\u00A05 ; l'article 12 est inchangé.",
    );
  });
});
