import type { Connection } from 'mongoose';
import {
  deterministicSeed,
  insertArticle,
  parseDocName,
  writeParagraphs,
  type StructureEntry,
} from '../../shared/structure.ts';
import { articleModel, type ArticleDoc } from '../negotiations/article.model.ts';
import { batchLoader } from './coalesce.ts';

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
export function initialState(connection: Connection, docName: string): Promise<Uint8Array | null> {
  return initialStateOf(connection, docName, async (articleId) => (await articleModel(connection).findOne({ articleId }).lean()) ?? undefined);
}

/** The same, for a store: articles opened in the same tick are read with one query. */
export function initialStateLoader(connection: Connection): (docName: string) => Promise<Uint8Array | null> {
  const articleOf = batchLoader<string, ArticleDoc>(async (articleIds) => {
    const found = await articleModel(connection).find({ articleId: { $in: articleIds } }).lean();
    return new Map(found.map((a) => [a.articleId, a]));
  });
  return (docName) => initialStateOf(connection, docName, articleOf);
}

async function initialStateOf(
  connection: Connection,
  docName: string,
  articleOf: (articleId: string) => Promise<ArticleDoc | undefined>,
): Promise<Uint8Array | null> {
  const name = parseDocName(docName);
  if (!name) return null;
  if (name.kind === 'article') {
    const article = await articleOf(name.id);
    if (!article || article.seedParagraphs.length === 0) return null;
    return deterministicSeed((doc) => writeParagraphs(doc, article.seedParagraphs));
  }
  const articles = await articleModel(connection).find({ negotiationId: name.id }).sort({ order: 1 }).lean();
  if (articles.length === 0) return null;
  return deterministicSeed((doc) => {
    for (const article of articles) insertArticle(doc, entryOf(article));
  });
}
