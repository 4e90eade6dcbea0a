import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ROLES } from '../../shared/access.ts';

/**
 * A mandate: one person acts for one organisation in one negotiation, with roles.
 * Revocation keeps the record (who held which mandate stays in the history); a suspension
 * keeps the mandate and stops its use.
 */
const membershipSchema = new Schema(
  {
    userId: { type: String, required: true },
    negotiationId: { type: String, required: true },
    organisationId: { type: String, required: true },
    roles: { type: [{ type: String, enum: ROLES }], required: true },
    createdAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    /**
     * Suspended by the secretariat for the committee: no access while it lasts, the mandate
     * itself (organisation, roles) untouched; lifted by the secretariat. Who, when and why.
     */
    suspension: {
      type: { at: { type: Date, required: true }, by: { type: String, required: true }, reason: { type: String, required: true } },
      default: null,
      _id: false,
    },
  },
  { versionKey: false, collection: 'memberships' },
);
membershipSchema.index({ negotiationId: 1, userId: 1 }, { unique: true });
membershipSchema.index({ userId: 1 });

export type MembershipDoc = InferSchemaType<typeof membershipSchema>;

export function membershipModel(connection: Connection): Model<MembershipDoc> {
  return (
    (connection.models.Membership as Model<MembershipDoc>) ??
    connection.model<MembershipDoc>('Membership', membershipSchema)
  );
}
