import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

import { VERSION_KINDS, type VersionKind } from '../../shared/text-diff.ts';

export { VERSION_KINDS, type VersionKind };

/**
 * A named, immutable snapshot of a whole agreement: the structure document's state and
 * every article's encoded Yjs state at that moment. Never updated once written.
 */
const versionSchema = new Schema(
  {
    negotiationId: { type: String, required: true },
    name: { type: String, required: true },
    reason: { type: String, default: '' },
    kind: { type: String, enum: VERSION_KINDS, required: true },
    createdAt: { type: Date, required: true },
    createdBy: {
      userId: { type: String, required: true },
      name: { type: String, required: true },
      org: { type: String, default: null },
    },
    structure: { type: Buffer, required: true },
    articles: [{ _id: false, articleId: { type: String, required: true }, state: { type: Buffer, required: true } }],
  },
  { versionKey: false, collection: 'versions' },
);
versionSchema.index({ negotiationId: 1, createdAt: -1 });

export type VersionDoc = InferSchemaType<typeof versionSchema>;

export function versionModel(connection: Connection): Model<VersionDoc> {
  return (connection.models.Version as Model<VersionDoc>) ?? connection.model<VersionDoc>('Version', versionSchema);
}
