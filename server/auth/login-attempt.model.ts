import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * Failed sign-ins, counted per key (`account:<email>` or `address:<ip>`) in a fixed window.
 * In the database rather than in memory so that several server processes share the count.
 */
const loginAttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    failures: { type: Number, required: true },
    windowStart: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'login_attempts' },
);
loginAttemptSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type LoginAttemptDoc = InferSchemaType<typeof loginAttemptSchema>;

export function loginAttemptModel(connection: Connection): Model<LoginAttemptDoc> {
  return (
    (connection.models.LoginAttempt as Model<LoginAttemptDoc>) ??
    connection.model<LoginAttemptDoc>('LoginAttempt', loginAttemptSchema)
  );
}
