import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { ROLES } from '../../shared/access.ts';
import { INVITATION_KINDS } from '../../shared/identity.ts';

/**
 * A one-time link: an invitation to join a negotiation for an organisation with roles, or a
 * password reset. The `_id` is the SHA-256 of the token in the link; the token itself goes
 * by mail to the person the link is for, and to nobody else; it is never stored.
 */
const invitationSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: INVITATION_KINDS, required: true },
    /** A short public id, to list and cancel without knowing the token. */
    publicId: { type: String, required: true },
    /** Null for a password reset the person asked for themself (« mot de passe oublié »). */
    negotiationId: { type: String, default: null },
    email: { type: String, required: true },
    organisationId: { type: String, default: null },
    roles: { type: [{ type: String, enum: ROLES }], default: [] },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
    /** Kept after use or expiry (so a second use answers 410, not 404), then purged. */
    purgeAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'invitations' },
);
invitationSchema.index({ purgeAt: 1 }, { expireAfterSeconds: 0 });
invitationSchema.index({ negotiationId: 1, usedAt: 1 });
invitationSchema.index({ publicId: 1 }, { unique: true });

export type InvitationDoc = InferSchemaType<typeof invitationSchema>;

export function invitationModel(connection: Connection): Model<InvitationDoc> {
  return (
    (connection.models.Invitation as Model<InvitationDoc>) ??
    connection.model<InvitationDoc>('Invitation', invitationSchema)
  );
}
