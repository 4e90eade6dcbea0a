import type { Connection } from 'mongoose';
import {
  deterministicSeed,
  insertArticle,
  parseDocName,
  writeParagraphs,
  type StructureEntry,
} from '../../shared/structure.ts';
import { articleModel, type ArticleDoc } from '../negotiations/article.model.ts';

export function entryOf(article: ArticleDoc): StructureEntry {
  return {
    id: article.articleId,
    number: article.number,
    title: article.title,
    titre: article.titre ?? null,
    chapitre: article.chapitre ?? null,
    kind: article.kind === 'preamble' ? 'preamble' : 'article',
    status: article.status,
    formerNumbers: [],
  };
}

/**
 * The content of a document never stored: an article starts from its seed paragraphs, an
 * agreement's outline from the articles' metadata. Built deterministically (see
 * deterministicSeed), so that seeding twice cannot duplicate the text.
 */
export async function initialState(connection: Connection, docName: string): Promise<Uint8Array | null> {
  const name = parseDocName(docName);
  if (!name) return null;
  if (name.kind === 'article') {
    const article = await articleModel(connection).findOne({ articleId: name.id }).lean();
    if (!article || article.seedParagraphs.length === 0) return null;
    return deterministicSeed((doc) => writeParagraphs(doc, article.seedParagraphs));
  }
  const articles = await articleModel(connection).find({ negotiationId: name.id }).sort({ order: 1 }).lean();
  if (articles.length === 0) return null;
  return deterministicSeed((doc) => {
    for (const article of articles) insertArticle(doc, entryOf(article));
  });
}
