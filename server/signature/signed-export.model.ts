import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * What `POST /api/verify` checks files against (see export.service.ts for the scheme):
 * - every signed snapshot ever exported, by its fingerprint (SHA-256 of its canonical JSON);
 * - every file ever served, by the SHA-256 of its bytes, with the fingerprint it carries.
 */
const signedSnapshotSchema = new Schema(
  {
    /** The fingerprint. */
    _id: { type: String, required: true },
    negotiationId: { type: String, required: true },
    versionId: { type: String, required: true },
    campaignId: { type: String, required: true },
    snapshot: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false, collection: 'signed_snapshots' },
);
signedSnapshotSchema.index({ negotiationId: 1, versionId: 1 });

const exportedFileSchema = new Schema(
  {
    /** SHA-256 of the file's bytes. */
    _id: { type: String, required: true },
    fingerprint: { type: String, required: true },
    negotiationId: { type: String, required: true },
    versionId: { type: String, required: true },
    format: { type: String, required: true },
    size: { type: Number, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'exported_files' },
);
exportedFileSchema.index({ fingerprint: 1 });

export type SignedSnapshotDoc = InferSchemaType<typeof signedSnapshotSchema>;
export type ExportedFileDoc = InferSchemaType<typeof exportedFileSchema>;

export function signedSnapshotModel(connection: Connection): Model<SignedSnapshotDoc> {
  return (
    (connection.models.SignedSnapshot as Model<SignedSnapshotDoc>) ??
    connection.model<SignedSnapshotDoc>('SignedSnapshot', signedSnapshotSchema)
  );
}

export function exportedFileModel(connection: Connection): Model<ExportedFileDoc> {
  return (connection.models.ExportedFile as Model<ExportedFileDoc>) ?? connection.model<ExportedFileDoc>('ExportedFile', exportedFileSchema);
}
