// What the hosting thread and the engine's worker say to each other (documents travel as BSON
// bytes, handed over rather than copied). Commands, replies and durability notices travel in
// batches: what one turn of either thread's event loop produced goes as one message (with 50
// writers, one wake-up of the other thread instead of fifty).

export interface CommandMessage {
  id: number;
  db: string;
  body: Uint8Array;
}

/** A command's reply once applied (or why it could not run), then its durability. */
export type Outcome =
  | { kind: 'reply'; id: number; reply?: Uint8Array; error?: string }
  | { kind: 'durable'; id: number; error?: string };

export type ToEngine = { type: 'commands'; commands: CommandMessage[] } | { type: 'close' };

export type FromEngine =
  | { type: 'ready'; uri: string; port: number }
  | { type: 'failed'; error: { name: string; message: string; code?: unknown } }
  | { type: 'outcomes'; outcomes: Outcome[] }
  | { type: 'closed'; error?: string };
