import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { NEGOTIATION_LEVELS, NEGOTIATION_STATUSES } from '../../shared/identity.ts';

const sourceSchema = new Schema(
  {
    /** The arrêté's title, e.g. « Arrêté du 22 décembre 2017 fixant la liste des organisations… ». */
    arrete: { type: String, required: true },
    /** YYYY-MM-DD. */
    date: { type: String, required: true },
  },
  { _id: false },
);

/** An organisation at this table, with its representativeness as published. */
const partySchema = new Schema(
  {
    organisationId: { type: String, required: true },
    weight: { type: Number, required: true, min: 0, max: 100 },
    representative: { type: Boolean, required: true },
    source: { type: sourceSchema, default: null },
  },
  { _id: false },
);

const phaseDeadlineSchema = new Schema(
  { label: { type: String, required: true }, date: { type: String, required: true } },
  { _id: false },
);

const negotiationSchema = new Schema(
  {
    title: { type: String, required: true },
    level: { type: String, enum: NEGOTIATION_LEVELS, required: true },
    status: { type: String, enum: NEGOTIATION_STATUSES, required: true },
    parties: { type: [partySchema], default: [] },
    phaseDeadlines: { type: [phaseDeadlineSchema], default: [] },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'negotiations' },
);
negotiationSchema.index({ createdAt: 1 });

export type NegotiationDoc = InferSchemaType<typeof negotiationSchema>;

export function negotiationModel(connection: Connection): Model<NegotiationDoc> {
  return (
    (connection.models.Negotiation as Model<NegotiationDoc>) ??
    connection.model<NegotiationDoc>('Negotiation', negotiationSchema)
  );
}
