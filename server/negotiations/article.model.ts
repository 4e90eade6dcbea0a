import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ARTICLE_STATUSES } from '../../shared/identity.ts';

/**
 * An article's metadata. Its live text lives in the Yjs document `article:<articleId>`;
 * `seedParagraphs` is only the text it started from.
 */
const articleSchema = new Schema(
  {
    negotiationId: { type: String, required: true },
    /** Globally unique (it names the Yjs document). */
    articleId: { type: String, required: true },
    /** "1", "3 bis"; "Préambule" for the preamble. */
    number: { type: String, required: true },
    title: { type: String, required: true },
    titre: { type: String, default: null },
    chapitre: { type: String, default: null },
    order: { type: Number, required: true },
    status: { type: String, enum: ARTICLE_STATUSES, required: true, default: 'open' },
    kind: { type: String, enum: ['preamble', 'article'], required: true, default: 'article' },
    seedParagraphs: { type: [String], default: [] },
  },
  { versionKey: false, collection: 'articles' },
);
articleSchema.index({ articleId: 1 }, { unique: true });
articleSchema.index({ negotiationId: 1, order: 1 });

export type ArticleDoc = InferSchemaType<typeof articleSchema>;

export function articleModel(connection: Connection): Model<ArticleDoc> {
  return (connection.models.Article as Model<ArticleDoc>) ?? connection.model<ArticleDoc>('Article', articleSchema);
}
