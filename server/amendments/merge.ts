import * as Y from 'yjs';
import { applyToBlocks, occurrences, targetText } from '../../shared/amendments/amendment.ts';
import { splitParagraphs } from '../../shared/amendments/formula.ts';
import { agreementDocName, articleDocName, articleFragment, readStructure } from '../../shared/structure.ts';
import { Origin } from '../collab/shared-doc.ts';
import { addArticle, moveArticleTo, removeArticle, renumber, type StructureDeps } from '../collab/structure.service.ts';
import { anchorSpan, joinBlocks, layoutOf, type ArticleLayout } from '../../shared/amendments/article-layout.ts';
import { locate, paragraph, topLevel } from './article-text.ts';
import type { AmendmentRecord } from '../../shared/amendments/amendment.ts';
import type { ItemRun } from '../../shared/versions/authorship.ts';
import { articleName } from '../../shared/labels.ts';

/** The amendment cannot be applied to the text as it now reads: a pen-holder must do it by hand. */
export class MergeConflict extends Error {}

const CHANGED = 'Le texte visé a changé depuis le dépôt : intégrez l’amendement à la main, puis confirmez l’intégration.';

/** Where each chosen occurrence of the words is, as ranges of the joined text (what to replace). */
function wordRanges(layout: ArticleLayout, doc: Y.Doc, amendment: AmendmentRecord, words: string, strict: boolean): { start: number; end: number }[] {
  const starts: number[] = [];
  let at = 0;
  for (const block of layout.blocks) {
    starts.push(at);
    at += block.length + 1;
  }
  let found = occurrences(layout.blocks, words).map(({ block, offset }) => ({ start: starts[block] + offset, end: starts[block] + offset + words.length }));
  const content = amendment.content;
  if (content.kind === 'replace-words' && content.occurrence !== undefined) found = found.slice(content.occurrence - 1, content.occurrence);
  else if (amendment.anchor) {
    // Anchored on a passage: the words inside it.
    const span = anchorSpan(doc, layout, amendment.anchor);
    const inside = span ? found.filter((f) => f.start >= span.start && f.end <= span.end) : [];
    if (inside.length > 0) found = inside;
  }
  // "Automatically when the target still matches": the words, once, exactly.
  const byOccurrence = content.kind === 'replace-words' && content.occurrence !== undefined;
  if (strict && !byOccurrence && found.length !== 1) throw new MergeConflict(CHANGED);
  if (found.length === 0) throw new MergeConflict(CHANGED);
  return found;
}

/** Widens a deletion to take the space that went with the words. */
function withSpace(text: string, range: { start: number; end: number }): { start: number; end: number } {
  let { start, end } = range;
  if (text[end] === ' ' && (start === 0 || text[start - 1] === ' ' || text[start - 1] === '\n')) end++;
  else if (text[start - 1] === ' ' && (end === text.length || /[\s.,;:!?)»]/.test(text[end] ?? ''))) start--;
  return { start, end };
}

function applyWords(doc: Y.Doc, layout: ArticleLayout, amendment: AmendmentRecord, strict: boolean): void {
  const content = amendment.content;
  if (content.kind !== 'replace-words' && content.kind !== 'delete-words') return;
  const from = content.kind === 'replace-words' ? content.from : content.words;
  const to = content.kind === 'replace-words' ? content.to : '';
  const text = joinBlocks(layout.blocks);
  const ranges = wordRanges(layout, doc, amendment, from, strict).map((r) => (to ? r : withSpace(text, r)));
  const places = ranges.map((r) => ({ range: r, place: locate(layout, r.start, r.end - r.start) }));
  // Words split across formatting nodes cannot be replaced safely.
  if (places.some((p) => !p.place)) throw new MergeConflict(CHANGED);
  doc.transact(() => {
    for (const { range, place } of [...places].reverse()) {
      place!.node.delete(place!.index, range.end - range.start);
      if (to) place!.node.insert(place!.index, to);
    }
  }, Origin.SERVER);
}

function applyParagraphs(doc: Y.Doc, layout: ArticleLayout, amendment: AmendmentRecord): void {
  const content = amendment.content;
  const fragment = articleFragment(doc);
  switch (content.kind) {
    case 'replace-article':
      doc.transact(() => {
        fragment.delete(0, fragment.length);
        fragment.insert(0, splitParagraphs(content.text).map(paragraph));
      }, Origin.SERVER);
      return;
    case 'insert-paragraph': {
      const after = content.after ?? layout.blocks.length;
      let index = 0;
      if (after > 0) {
        const holder = topLevel(doc, layout.elements[after - 1]);
        if (!holder) throw new MergeConflict(CHANGED);
        index = holder.index + 1;
      } else if (layout.elements[0]) index = topLevel(doc, layout.elements[0])?.index ?? 0;
      doc.transact(() => fragment.insert(index, splitParagraphs(content.text).map(paragraph)), Origin.SERVER);
      return;
    }
    case 'delete-paragraph': {
      const element = layout.elements[content.index - 1];
      const parent = element?.parent as Y.XmlElement | Y.XmlFragment | null;
      if (!element || !parent) throw new MergeConflict(CHANGED);
      doc.transact(() => {
        parent.delete(parent.toArray().indexOf(element), 1);
        // A list left empty goes with its last item.
        if (parent instanceof Y.XmlElement && parent.length === 0) {
          const holder = topLevel(doc, parent);
          if (holder) fragment.delete(holder.index, 1);
        }
      }, Origin.SERVER);
      return;
    }
    default:
      return;
  }
}

/**
 * Applies an adopted amendment to the live text: words and paragraphs in one Yjs transaction
 * on the article's document (its editors see it at once), structural kinds (new, delete,
 * move, renumber) through the outline's operations. `strict` (the system's automatic merge):
 * only when the target still reads as when the amendment was tabled.
 */
export async function applyToLiveText(
  deps: StructureDeps,
  negotiationId: string,
  amendment: AmendmentRecord,
  options: { strict: boolean },
): Promise<ItemRun[]> {
  const content = amendment.content;
  switch (content.kind) {
    case 'delete-article':
      await removeArticle(deps, negotiationId, amendment.articleId);
      return [];
    case 'new-article': {
      const entries = await deps.store.withDoc(agreementDocName(negotiationId), (doc) => readStructure(doc));
      const after = entries.findIndex((e) => e.number === content.after.trim());
      if (after < 0) throw new MergeConflict(`L’article ${content.after} n’existe plus dans le texte.`);
      await addArticle(deps, negotiationId, {
        title: content.heading.trim() || articleName(content.number),
        number: content.number,
        position: after + 1,
        paragraphs: splitParagraphs(content.text),
      });
      return [];
    }
    case 'move-article': {
      const entries = await deps.store.withDoc(agreementDocName(negotiationId), (doc) => readStructure(doc));
      const others = entries.filter((e) => e.id !== amendment.articleId);
      const after = others.findIndex((e) => e.number === content.after.trim());
      if (after < 0) throw new MergeConflict(`L’article ${content.after} n’existe plus dans le texte.`);
      await moveArticleTo(deps, negotiationId, amendment.articleId, after + 1);
      return [];
    }
    case 'renumber-article':
      await renumber(deps, negotiationId, { [amendment.articleId]: content.newNumber }, null); // the adopted amendment is the decision
      return [];
    default:
      break;
  }
  return deps.store.withDoc(articleDocName(amendment.articleId), (doc) => {
    const layout = layoutOf(doc);
    // What the merge writes is this document's own items from here on: their ids are the
    // server's record of the merged passage (the editors hold the same items).
    const before = Y.getState(doc.store, doc.clientID);
    if (applyToBlocks(layout.blocks, content) === null) throw new MergeConflict(CHANGED);
    if (options.strict) {
      const span = amendment.anchor ? anchorSpan(doc, layout, amendment.anchor) : null;
      const now = amendment.anchor ? (span ? joinBlocks(layout.blocks).slice(span.start, span.end) : '') : null;
      const then = amendment.anchor ? amendment.base.quote : null;
      if (targetText(layout.blocks, content, now) !== targetText(amendment.base.blocks, content, then)) throw new MergeConflict(CHANGED);
    }
    if (content.kind === 'replace-words' || content.kind === 'delete-words') applyWords(doc, layout, amendment, options.strict);
    else applyParagraphs(doc, layout, amendment);
    const after = Y.getState(doc.store, doc.clientID);
    return after > before ? [{ client: doc.clientID, clock: before, len: after - before }] : [];
  });
}
