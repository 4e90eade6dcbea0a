// What every command handler receives.
import type { Logger } from 'pino';
import type { Doc } from '../bson/codec.ts';
import type { Catalog } from '../catalog.ts';
import type { Cursors } from '../cursors.ts';
import type { Store } from '../storage/store.ts';
import type { Work } from '../query/bounds.ts';

export interface EngineState {
  catalog: Catalog;
  store: Store;
  cursors: Cursors;
  logger: Logger;
  startedAt: Date;
  /** Logical sessions seen in commands' lsid, for $listLocalSessions (by id, hex). */
  sessions: Map<string, Doc>;
  port: number;
  host: string;
  /** Whether clients must authenticate (SCRAM-SHA-256) before anything but the handshake. */
  auth: boolean;
}

export interface CommandContext {
  engine: EngineState;
  /** Target database ($db). */
  db: string;
  body: Doc;
  connectionId: number;
  /** Its budget: the deadline its maxTimeMS sets, how its matching must be bounded. */
  work: Work;
}

export type CommandHandler = (ctx: CommandContext) => Doc | Promise<Doc>;
