import type { EventType } from '../../shared/events.ts';
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const eventSchema = new Schema(
  {
    negotiationId: { type: String, required: true },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, default: {} },
    actor: { type: String, required: true },
    org: { type: String, default: null },
    visibility: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
    /**
     * On the first event a command with a client id recorded (person \0 command \0 id): a retry
     * whose first attempt died before its reply was kept finds what it recorded here.
     */
    command: { type: String },
  },
  { versionKey: false, minimize: false, collection: 'events' },
);
// The commit point of every change: one (negotiation, seq) exists at most once.
eventSchema.index({ negotiationId: 1, seq: 1 }, { unique: true });
// The folds (amendments, sessions, positions, annotations) read one negotiation's events of a
// few types: without this index, every such read went through the whole log.
eventSchema.index({ negotiationId: 1, type: 1, seq: 1 });
// A command is recorded once, whichever process runs it (only events that carry one are indexed).
eventSchema.index({ command: 1 }, { unique: true, partialFilterExpression: { command: { $exists: true } } });

/**
 * A stored event. Its `type` is one of the catalogue's (shared/events.ts), so that a query or a
 * fold naming an event type the catalogue does not hold fails the type check.
 */
export type EventDoc = Omit<InferSchemaType<typeof eventSchema>, 'type'> & { type: EventType };

export function eventModel(connection: Connection): Model<EventDoc> {
  return (connection.models.Event as Model<EventDoc>) ?? connection.model<EventDoc>('Event', eventSchema);
}
