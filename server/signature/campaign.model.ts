import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * The signature campaigns read model: one document per campaign, folded from the campaign
 * events (see campaign.projection.ts). It can be dropped and rebuilt from the log at any time.
 */
const campaignSchema = new Schema(
  {
    _id: { type: String, required: true },
    negotiationId: { type: String, required: true },
    /** The CampaignView, as the fold produced it. */
    view: { type: Schema.Types.Mixed, required: true },
    /** The seq of the last event folded in: an event at or below it is already applied. */
    lastSeq: { type: Number, required: true },
  },
  { versionKey: false, minimize: false, collection: 'signature_campaigns' },
);
campaignSchema.index({ negotiationId: 1, lastSeq: 1 });

/** How far the campaigns read model of a negotiation has read the log. */
const checkpointSchema = new Schema(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { versionKey: false, collection: 'signature_campaigns_checkpoints' },
);

export type CampaignDoc = InferSchemaType<typeof campaignSchema>;
export type CampaignCheckpointDoc = InferSchemaType<typeof checkpointSchema>;

export function campaignModel(connection: Connection): Model<CampaignDoc> {
  return (connection.models.SignatureCampaign as Model<CampaignDoc>) ?? connection.model<CampaignDoc>('SignatureCampaign', campaignSchema);
}

export function campaignCheckpointModel(connection: Connection): Model<CampaignCheckpointDoc> {
  return (
    (connection.models.SignatureCampaignCheckpoint as Model<CampaignCheckpointDoc>) ??
    connection.model<CampaignCheckpointDoc>('SignatureCampaignCheckpoint', checkpointSchema)
  );
}
