import type { Connection } from 'mongoose';
import type * as Y from 'yjs';
import type { AppContext, Capability } from '../app.ts';
import { DOC_PREFIX, parseDocName } from '../../shared/structure.ts';
import { liveAccessOf } from '../auth/live-access.ts';
import { sessionAuthorize } from './authorize.ts';
import { DocStore } from './doc-store.ts';
import { DocReplication } from './doc-replication.ts';
import { initialStateLoader } from './initial-state.ts';
import { MongoPersistence } from './persistence.ts';
import { Origin, type SharedDoc } from './shared-doc.ts';
import { MetadataSync } from './structure.service.ts';
import { CollabConnection, YjsServer } from './yjs-server.ts';
import { registerArticleRoutes } from './article.routes.ts';

/** Who made a change to a live document: the person behind the connection it came through. */
export interface Editor {
  userId: string;
  name: string;
  /** The short name of the organisation of their mandate. */
  org: string;
}

/** Told of every change a connected editor makes (not of the server's own changes). */
export type EditListener = (doc: SharedDoc, editor: Editor, transaction: Y.Transaction) => void;

/** The live text of one app: its documents, its WebSocket endpoint, the outline's mirror. */
export interface Collab {
  store: DocStore;
  yjs: YjsServer;
  metadata: MetadataSync;
  /** Adds a listener of editors' changes (the record of who wrote what). */
  onEdit(listener: EditListener): void;
}

/**
 * Documents one process loads at once. A restart sends a crowd of providers to the others:
 * past this, a connection is closed with TRY_AGAIN_LATER and its client comes back after a
 * random wait, instead of every load queueing behind the database at once.
 */
export const MAX_CONCURRENT_LOADS = 500;

const collabs = new WeakMap<Connection, Collab>();

/** The app's live text, for the use cases of other capabilities (versions, amendments, signature). */
export function collabOf(ctx: Pick<AppContext, 'db'>): Collab {
  const collab = collabs.get(ctx.db.connection);
  if (!collab) throw new Error('live text used before registerCollab');
  return collab;
}

/** Co-drafting: the Yjs sync endpoint on /yjs/<docName>, its MongoDB persistence, the article operations. */
export const registerCollab: Capability = async (ctx) => {
  const { connection } = ctx.db;
  const logger = ctx.logger.child({ capability: 'collab' });
  const db = connection.db;
  if (!db) throw new Error('database not connected');
  const persistence = new MongoPersistence(db, ctx.db.command);
  await persistence.init();

  const metadata = new MetadataSync(connection, logger);
  // Several processes: each document's updates and presence go to every process that has it open.
  const replica = ctx.cluster ? new DocReplication(ctx.cluster, logger) : undefined;
  const editListeners: EditListener[] = [];
  const store = new DocStore({
    replica,
    maxConcurrentLoads: MAX_CONCURRENT_LOADS,
    persistence,
    logger,
    initialState: initialStateLoader(connection),
    onChange: (doc, origin, transaction) => {
      if (origin instanceof CollabConnection) for (const listener of editListeners) listener(doc, origin.editor, transaction);
      // Server-side operations sync the metadata themselves, before they answer; another
      // process's edits are mirrored by that process (a late copy here must not undo them).
      // Called for every transaction: only an outline's name is parsed.
      if (origin === Origin.SERVER || origin === Origin.SEED || origin === Origin.REMOTE || !doc.name.startsWith(DOC_PREFIX.agreement)) return;
      const name = parseDocName(doc.name);
      if (name?.kind === 'agreement') metadata.schedule(name.id, doc);
    },
  });
  replica?.start(store);
  const yjs = new YjsServer({ store, authorize: sessionAuthorize(connection), logger, live: liveAccessOf(connection) });
  collabs.set(connection, { store, yjs, metadata, onEdit: (listener) => editListeners.push(listener) });
  ctx.onUpgrade(yjs.prefix, yjs.handleUpgrade);
  registerArticleRoutes(ctx, { connection, store, metadata, events: ctx.events, ids: ctx.ids });

  ctx.onClose(async () => {
    await yjs.close();
    await metadata.close();
    await store.close();
    replica?.close();
  });
};
