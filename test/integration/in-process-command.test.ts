import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, runInProcess, type Database, type InProcessCommand } from '../../server/db/connection.ts';

describe('a command on the engine of this process (runInProcess)', () => {
  let db: Database;
  let dataDir: string;
  let sut: (body: Record<string, unknown>) => ReturnType<typeof runInProcess>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-in-process-'));
    db = await connectDatabase({ DATA_DIR: dataDir, MONGODB_URI: undefined }, pino({ level: 'silent' }));
    const command = db.command as InProcessCommand;
    sut = (body) => runInProcess(command, body);
  });

  afterAll(async () => {
    await db?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers an applied write without an error, and says when it is on disk', async () => {
    const { reply, error, durable } = await sut({ insert: 'things', documents: [{ _id: 'a' }, { _id: 'b' }] });
    expect(error).toBeUndefined();
    expect(reply.n).toBe(2);
    await expect(durable).resolves.toBeUndefined();
    expect(await db.connection.db!.collection('things').countDocuments()).toBe(2);
  });

  it('turns a write error into an error with its code, keeping how many an ordered insert stored before it', async () => {
    const { reply, error, durable } = await sut({ insert: 'things', documents: [{ _id: 'c' }, { _id: 'a' }, { _id: 'd' }], ordered: true });
    expect(error?.code).toBe(11000);
    expect(error?.message).toMatch(/duplicate key/);
    expect(error?.writeErrors?.[0]?.index).toBe(1);
    expect(reply.n).toBe(1);
    // What came before the collision is stored, and durable like any write.
    await durable;
    const ids = (await db.connection.db!.collection('things').find({}, { sort: { _id: 1 } }).toArray()).map((d) => d._id);
    expect(ids).toEqual(['a', 'b', 'c']);
  });

  it('turns a refused command into an error with mongod\'s code', async () => {
    const { error } = await sut({ noSuchCommand: 1 });
    expect(error?.code).toBe(59);
    expect(error?.writeErrors).toBeUndefined();
  });
});
