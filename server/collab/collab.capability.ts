import type { Connection } from 'mongoose';
import type { AppContext, Capability } from '../app.ts';
import { parseDocName } from '../../shared/structure.ts';
import { liveAccessOf } from '../auth/live-access.ts';
import { sessionAuthorize } from './authorize.ts';
import { DocStore } from './doc-store.ts';
import { initialStateLoader } from './initial-state.ts';
import { MongoPersistence } from './persistence.ts';
import { Origin } from './shared-doc.ts';
import { MetadataSync } from './structure.service.ts';
import { YjsServer } from './yjs-server.ts';
import { registerArticleRoutes } from './article.routes.ts';

/** The live text of one app: its documents, its WebSocket endpoint, the outline's mirror. */
export interface Collab {
  store: DocStore;
  yjs: YjsServer;
  metadata: MetadataSync;
}

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
  const persistence = new MongoPersistence(db);
  await persistence.init();

  const metadata = new MetadataSync(connection, logger);
  const store = new DocStore({
    persistence,
    logger,
    initialState: initialStateLoader(connection),
    onChange: (doc, origin) => {
      const name = parseDocName(doc.name);
      // Server-side operations sync the metadata themselves, before they answer.
      if (name?.kind === 'agreement' && origin !== Origin.SERVER && origin !== Origin.SEED) metadata.schedule(name.id, doc);
    },
  });
  const yjs = new YjsServer({ store, authorize: sessionAuthorize(connection), logger, live: liveAccessOf(connection) });
  collabs.set(connection, { store, yjs, metadata });
  ctx.onUpgrade(yjs.prefix, yjs.handleUpgrade);
  registerArticleRoutes(ctx, { connection, store, metadata, events: ctx.events });

  ctx.onClose(async () => {
    await yjs.close();
    await metadata.close();
    await store.close();
  });
};
