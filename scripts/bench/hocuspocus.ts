// Hocuspocus 4, the server people would pick instead of ours, as its documentation sets it up
// for the benchmarks that compare with it: the Database extension's fetch and store on one
// MongoDB collection (one document per Yjs document, its whole state), and, for several
// processes, its Redis extension (each change announced on the document's channel, the
// others answering with what they lack: Hocuspocus's own way of scaling out).
import type { Extension } from '@hocuspocus/server';
import { Binary, MongoClient } from 'mongodb';

export const HOCUSPOCUS_DATABASE = 'hocuspocus';
export const HOCUSPOCUS_COLLECTION = 'documents';

export interface RunningHocuspocus {
  /** How many documents it has loaded. */
  documentsCount(): number;
  close(): Promise<void>;
}

export async function startHocuspocus({ port, mongoUri, redisUrl }: { port: number; mongoUri: string; redisUrl?: string }): Promise<RunningHocuspocus> {
  const { Server } = await import('@hocuspocus/server');
  const { Database } = await import('@hocuspocus/extension-database');
  const client = await MongoClient.connect(mongoUri);
  const documents = client.db(HOCUSPOCUS_DATABASE).collection<{ _id: string; state: Binary }>(HOCUSPOCUS_COLLECTION);
  const extensions: Extension[] = [
    new Database({
      fetch: async ({ documentName }) => {
        const found = await documents.findOne({ _id: documentName });
        return found ? new Uint8Array(found.state.buffer) : null;
      },
      store: async ({ documentName, state }) => {
        await documents.updateOne({ _id: documentName }, { $set: { state: new Binary(state) } }, { upsert: true });
      },
    }),
  ];
  if (redisUrl) {
    const { Redis } = await import('@hocuspocus/extension-redis');
    const url = new URL(redisUrl);
    extensions.push(new Redis({ host: url.hostname, port: Number(url.port || 6379) }));
  }
  const server = new Server({ port, address: '127.0.0.1', quiet: true, stopOnSignals: false, extensions });
  await server.listen();
  return {
    documentsCount: () => server.hocuspocus.getDocumentsCount(),
    async close() {
      await server.destroy();
      await client.close();
    },
  };
}
