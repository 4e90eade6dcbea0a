import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * A server-side session. The cookie carries a random token; only its SHA-256 is stored,
 * so a copy of the database does not let anyone sign in.
 */
const sessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    /** min(idle expiry, absolute expiry); the TTL index purges the document after it. */
    expiresAt: { type: Date, required: true },
    /** createdAt + absolute lifetime: activity never extends a session beyond it. */
    absoluteExpiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'sessions' },
);
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
sessionSchema.index({ userId: 1 });

export type SessionDoc = InferSchemaType<typeof sessionSchema>;

export function sessionModel(connection: Connection): Model<SessionDoc> {
  return (connection.models.Session as Model<SessionDoc>) ?? connection.model<SessionDoc>('Session', sessionSchema);
}
