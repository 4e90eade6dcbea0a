import path from 'node:path';
import mongoose from 'mongoose';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { startEngine, type RunningEngine } from './engine/index.ts';

export interface Database {
  kind: 'embedded' | 'mongodb';
  uri: string;
  connection: mongoose.Connection;
  close(): Promise<void>;
}

/**
 * Connects mongoose to MongoDB: the embedded engine in DATA_DIR by default,
 * or the server named by MONGODB_URI. The application cannot tell them apart.
 */
export async function connectDatabase(config: Pick<Config, 'MONGODB_URI' | 'DATA_DIR'>, logger: Logger): Promise<Database> {
  let engine: RunningEngine | undefined;
  let uri = config.MONGODB_URI;
  if (!uri) {
    engine = await startEngine({ dir: path.resolve(config.DATA_DIR, 'db'), port: 0, host: '127.0.0.1' });
    uri = `${engine.uri.replace(/\/$/, '')}/negociation`;
    logger.info({ port: engine.port, dir: config.DATA_DIR }, 'embedded database started');
  }
  const connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000, autoIndex: false });
  await connection.asPromise();
  return {
    kind: engine ? 'embedded' : 'mongodb',
    uri,
    connection,
    async close() {
      await connection.close();
      await engine?.close();
    },
  };
}
