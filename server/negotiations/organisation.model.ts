import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ORG_COLLEGES } from '../../shared/identity.ts';

/** A party that may sit at a table: its weight is per negotiation (see negotiation.model). */
const organisationSchema = new Schema(
  {
    shortName: { type: String, required: true },
    fullName: { type: String, required: true },
    college: { type: String, enum: ORG_COLLEGES, required: true },
  },
  { versionKey: false, collection: 'organisations' },
);
organisationSchema.index({ shortName: 1 }, { unique: true });

export type OrganisationDoc = InferSchemaType<typeof organisationSchema>;

export function organisationModel(connection: Connection): Model<OrganisationDoc> {
  return (
    (connection.models.Organisation as Model<OrganisationDoc>) ??
    connection.model<OrganisationDoc>('Organisation', organisationSchema)
  );
}
