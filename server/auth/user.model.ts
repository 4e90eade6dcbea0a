import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const userSchema = new Schema(
  {
    /** Lower-cased at the boundary; the login key. */
    email: { type: String, required: true },
    name: { type: String, required: true },
    /** argon2id, PHC string. Never leaves the server, never logged. */
    passwordHash: { type: String, required: true },
    passwordChangedAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'users' },
);
userSchema.index({ email: 1 }, { unique: true });

export type UserDoc = InferSchemaType<typeof userSchema>;

export function userModel(connection: Connection): Model<UserDoc> {
  return (connection.models.User as Model<UserDoc>) ?? connection.model<UserDoc>('User', userSchema);
}
