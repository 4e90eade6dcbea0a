// What every command handler receives.
import type { Logger } from 'pino';
import type { Doc } from '../bson/codec.ts';
import type { Catalog } from '../catalog.ts';
import type { Cursors } from '../cursors.ts';
import type { Store } from '../storage/store.ts';

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
}

export interface CommandContext {
  engine: EngineState;
  /** Target database ($db). */
  db: string;
  body: Doc;
  connectionId: number;
}

export type CommandHandler = (ctx: CommandContext) => Doc | Promise<Doc>;
