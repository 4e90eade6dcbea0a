import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * The votes read model: one document per vote, folded from the `vote:*` and `ballot:cast`
 * events. It can be dropped and rebuilt from the log at any time (see vote.projection.ts).
 */
const voteSchema = new Schema(
  {
    _id: { type: String, required: true },
    negotiationId: { type: String, required: true },
    /** The VoteView, as the fold produced it. */
    view: { type: Schema.Types.Mixed, required: true },
    /** The seq of the last event folded in: an event at or below it is already applied. */
    lastSeq: { type: Number, required: true },
  },
  { versionKey: false, minimize: false, collection: 'votes' },
);
voteSchema.index({ negotiationId: 1, lastSeq: 1 });

/** How far the votes read model of a negotiation has read the log. */
const checkpointSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
  },
  { versionKey: false, collection: 'votes_checkpoints' },
);

export type VoteDoc = InferSchemaType<typeof voteSchema>;
export type VoteCheckpointDoc = InferSchemaType<typeof checkpointSchema>;

export function voteModel(connection: Connection): Model<VoteDoc> {
  return (connection.models.Vote as Model<VoteDoc>) ?? connection.model<VoteDoc>('Vote', voteSchema);
}

export function voteCheckpointModel(connection: Connection): Model<VoteCheckpointDoc> {
  return (
    (connection.models.VoteCheckpoint as Model<VoteCheckpointDoc>) ??
    connection.model<VoteCheckpointDoc>('VoteCheckpoint', checkpointSchema)
  );
}
