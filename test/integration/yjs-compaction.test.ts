import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database, type InProcessCommand } from '../../server/db/connection.ts';
import { waitFor } from './yjs-helpers.ts';
import { DocStore } from '../../server/collab/doc-store.ts';
import { MongoPersistence, UPDATES_COLLECTION, type StoredDoc } from '../../server/collab/persistence.ts';
import type { SharedDoc } from '../../server/collab/shared-doc.ts';

const logger = pino({ level: 'silent' });

/**
 * The persistence of one process: through the driver (as with MONGODB_URI), or straight into
 * the engine of this process (the embedded database's in-process commands).
 */
let inProcess = false;
const persistenceOf = (db: Database) => new MongoPersistence(db.connection.db!, inProcess ? db.command : undefined);

/** One process's view of the documents: its own store over the shared database. */
function processStore(db: Database): DocStore {
  return new DocStore({
    persistence: persistenceOf(db),
    logger,
    initialState: async () => null,
    // Compactions are run by the test, at the moments it chooses.
    compactAfterUpdates: Number.MAX_SAFE_INTEGER,
    compactWhenIdleMs: 60_000,
  });
}

/** A client's edit, as the sync protocol applies it (an origin of its own: stored and shared). */
function edit(doc: SharedDoc, line: string): void {
  doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(line)]);
    doc.getXmlFragment('default').push([paragraph]);
  }, 'client');
}

async function storedText(db: Database, docName: string): Promise<string> {
  const stored = await persistenceOf(db).load(docName);
  const doc = new Y.Doc();
  if (stored.state) Y.applyUpdate(doc, stored.state);
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  return doc.getXmlFragment('default').toString();
}

describe.each([
  ['through the driver', false],
  ['in the engine of this process', true],
])('two processes storing and compacting one document, %s', (_how, viaCommand) => {
  let db: Database;
  let dataDir: string;

  beforeAll(async () => {
    inProcess = viaCommand;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-compaction-'));
    db = await connectDatabase({ DATA_DIR: dataDir, MONGODB_URI: undefined }, logger);
    await persistenceOf(db).init();
    if (viaCommand) expect(db.command).toBeDefined();
  });

  afterAll(async () => {
    await db?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no stored update when both compact at the same instant, round after round', async () => {
    const docName = `article:compaction-race-${viaCommand}`;
    // Each process has its own copy and sees nothing of the other's edits but what is stored
    // (no Redis here): exactly the case where one compaction could drop the other's updates.
    const [a, b] = [processStore(db), processStore(db)];
    const [docA, docB] = [await a.open(docName), await b.open(docName)];
    inProcess = viaCommand;
    const written: string[] = [];
    for (let round = 0; round < 25; round++) {
      for (const [doc, who] of [[docA, 'A'], [docB, 'B']] as const) {
        const line = `${who}, tour ${round}`;
        edit(doc, line);
        written.push(line);
      }
      await Promise.all([a.flush(), b.flush()]);
      await Promise.all([a.compact(docA), b.compact(docB)]);
    }
    const text = await storedText(db, docName);
    for (const line of written) expect(text).toContain(line);
    expect(a.stats.compactions + b.stats.compactions).toBeGreaterThan(0);
    await Promise.all([a.close(), b.close()]);
    // Closing compacts once more on each side: still nothing lost, and one state holds it all.
    const after = await storedText(db, docName);
    for (const line of written) expect(after).toContain(line);
  });

  it('loses nothing when compactions race with both processes storing, round after round', async () => {
    const docName = 'article:compaction-while-storing';
    const [a, b] = [processStore(db), processStore(db)];
    const [docA, docB] = [await a.open(docName), await b.open(docName)];
    const written: string[] = [];
    const write = (doc: SharedDoc, line: string) => {
      edit(doc, line);
      written.push(line);
    };
    for (let round = 0; round < 100; round++) {
      write(docA, `A, tour ${round}`);
      write(docB, `B, tour ${round}`);
      // Storing and compacting on both sides at once, in an order that turns with the round,
      // with more edits arriving while they run.
      const steps = [() => a.flush(), () => b.compact(docB), () => b.flush(), () => a.compact(docA)];
      const running = steps.map((_, i) => steps[(i + round) % steps.length]());
      write(round % 2 ? docA : docB, `pendant le tour ${round}`);
      await Promise.all(running);
    }
    await Promise.all([a.flush(), b.flush()]);
    const text = await storedText(db, docName);
    const missing = written.filter((line) => !text.includes(`>${line}<`));
    expect(missing).toEqual([]);
    expect(a.stats.compactions + b.stats.compactions).toBeGreaterThan(20);
    await Promise.all([a.close(), b.close()]);
    const after = await storedText(db, docName);
    expect(written.filter((line) => !after.includes(`>${line}<`))).toEqual([]);
  }, 120_000);

  it('a process opening the document later reads every update both stored', async () => {
    inProcess = viaCommand;
    const docName = `article:compaction-late-${viaCommand}`;
    const [a, b] = [processStore(db), processStore(db)];
    const [docA, docB] = [await a.open(docName), await b.open(docName)];
    edit(docA, 'écrit par A');
    edit(docB, 'écrit par B');
    await Promise.all([a.flush(), b.flush()]);
    await a.compact(docA);
    const late = processStore(db);
    const text = (await late.open(docName)).getXmlFragment('default').toString();
    expect(text).toContain('écrit par A');
    expect(text).toContain('écrit par B');
    await Promise.all([a.close(), b.close(), late.close()]);
  });

  it('stores a tick’s updates as they came, in one record, without merging them', async () => {
    inProcess = viaCommand;
    const docName = `article:tick-record-${viaCommand}`;
    const store = processStore(db);
    const doc = await store.open(docName);
    const sent: Uint8Array[] = [];
    const keep = (update: Uint8Array) => sent.push(update);
    doc.on('update', keep);
    for (let i = 0; i < 20; i++) edit(doc, `ligne ${i}`);
    doc.off('update', keep);
    await store.flush();
    const records = await db.connection.db!.collection(UPDATES_COLLECTION).find({ docName }).toArray();
    expect(records).toHaveLength(1);
    expect(records[0].update).toBeUndefined();
    expect((records[0].updates as { buffer: Uint8Array }[]).map((u) => Buffer.from(u.buffer).toString('base64'))).toEqual(sent.map((u) => Buffer.from(u).toString('base64')));
    expect(await storedText(db, docName)).toContain('ligne 19');
    await store.close();
  });

  it('still reads a record of one merged update, as stored before', async () => {
    inProcess = viaCommand;
    const docName = `article:merged-record-${viaCommand}`;
    const source = new Y.Doc();
    source.getXmlFragment('default').push([new Y.XmlText('texte d’avant')]);
    const { ObjectId, Binary } = await import('mongodb');
    await db.connection.db!.collection(UPDATES_COLLECTION).insertOne({ _id: new ObjectId(), docName, update: new Binary(Y.encodeStateAsUpdate(source)), at: new Date() } as never);
    const store = processStore(db);
    const doc = await store.open(docName);
    expect(doc.getXmlFragment('default').toString()).toContain('texte d’avant');
    edit(doc, 'ajout');
    await store.close();
    const text = await storedText(db, docName);
    expect(text).toContain('texte d’avant');
    expect(text).toContain('ajout');
    expect(await db.connection.db!.collection(UPDATES_COLLECTION).countDocuments({ docName })).toBe(0);
  });

  it('the only process compacts without reading storage back, and another writer’s records stay stored', async () => {
    inProcess = viaCommand;
    const docName = `article:compaction-no-read-${viaCommand}`;
    let loads = 0;
    const persistence = persistenceOf(db);
    const counting = Object.assign(Object.create(persistence) as MongoPersistence, {
      load: (name: string): Promise<StoredDoc> => {
        loads++;
        return persistence.load(name);
      },
    });
    const store = new DocStore({ persistence: counting, logger, initialState: async () => null, compactAfterUpdates: Number.MAX_SAFE_INTEGER, compactWhenIdleMs: 60_000 });
    const doc = await store.open(docName);
    const other = processStore(db);
    const otherDoc = await other.open(docName);
    for (let round = 0; round < 5; round++) {
      edit(doc, `seul, tour ${round}`);
      await store.flush();
    }
    // Another writer (a process without Redis) stores a line this copy never saw.
    edit(otherDoc, 'écrit ailleurs');
    await other.flush();
    loads = 0;
    await store.compact(doc);
    expect(loads).toBe(0);
    expect(store.stats.compactions).toBe(1);
    const text = await storedText(db, docName);
    for (let round = 0; round < 5; round++) expect(text).toContain(`seul, tour ${round}`);
    expect(text).toContain('écrit ailleurs');
    // The other writer's compaction finds the state changed under it, reads, and loses nothing.
    await other.compact(otherDoc);
    expect(other.stats.compactions).toBe(1);
    const after = await storedText(db, docName);
    expect(after).toContain('seul, tour 4');
    expect(after).toContain('écrit ailleurs');
    expect(await db.connection.db!.collection(UPDATES_COLLECTION).countDocuments({ docName })).toBe(0);
    await Promise.all([store.close(), other.close()]);
  });
});

describe('in the engine of this process, the writes of a tick or of a compaction wait for the disk together', () => {
  let db: Database;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'negociation-compaction-'));
    db = await connectDatabase({ DATA_DIR: dataDir, MONGODB_URI: undefined }, logger);
  });

  afterAll(async () => {
    await db?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies every slice of a tick’s records, and a compaction’s state and deletion, before waiting for any on disk, answers once all are, and writes each tick and each compaction in one group commit', async () => {
    // The engine's commands, each one's `durable` held back while `held` is set (the disk is slow).
    const issued: string[] = [];
    let held: Promise<void> | null = null;
    let release = () => {};
    const hold = () => {
      issued.length = 0;
      held = new Promise<void>((resolve) => (release = resolve));
    };
    const command: InProcessCommand = async (body) => {
      const { reply, durable } = await db.command!(body);
      issued.push(Object.keys(body)[0]);
      const wait = held;
      return { reply, durable: durable.then(() => wait ?? undefined) };
    };
    const persistence = new MongoPersistence(db.connection.db!, command);
    await persistence.init();
    const store = new DocStore({ persistence, logger, initialState: async () => null, compactAfterUpdates: Number.MAX_SAFE_INTEGER, compactWhenIdleMs: 60_000 });
    const docs = await Promise.all(Array.from({ length: 100 }, (_, i) => store.open(`article:together${i}`)));
    docs.forEach((doc, i) => edit(doc, `ligne ${i}`));

    hold();
    let stored = false;
    const flushed = store.flush().then(() => (stored = true));
    // 100 records in slices of 20: five inserts, none waiting for the one before it to be on disk.
    await waitFor(() => issued.length === 5, 5_000, 'the five inserts');
    expect(issued).toEqual(['insert', 'insert', 'insert', 'insert', 'insert']);
    expect(stored).toBe(false);
    release();
    await flushed;

    hold();
    let compacted = false;
    const compacting = store.compact(docs[0]).then(() => (compacted = true));
    // The first state, then the deletion of the record it merged, before either is on disk.
    await waitFor(() => issued.length === 2, 5_000, 'the state and the deletion');
    expect(issued).toEqual(['insert', 'delete']);
    expect(compacted).toBe(false);
    release();
    await compacting;
    expect(store.stats.compactions).toBe(1);
    expect(await storedText(db, docs[0].name)).toContain('ligne 0');
    expect(await db.connection.db!.collection(UPDATES_COLLECTION).countDocuments({ docName: docs[0].name })).toBe(0);
    expect(await db.connection.db!.collection(UPDATES_COLLECTION).countDocuments({ docName: docs[99].name })).toBe(1);
    held = null;

    // Each tick's records, and each compaction, go to disk in one group commit (an fdatasync).
    const fsyncs = async () => ((await db.command!({ serverStatus: 1 })).reply as { journal: { fsyncs: number } }).journal.fsyncs;
    let before = await fsyncs();
    for (let tick = 0; tick < 10; tick++) {
      docs.forEach((doc, i) => edit(doc, `tour ${tick}, ligne ${i}`));
      await store.flush();
    }
    // One each; a busy machine may let a slice wait past the journal's 100 ms once or twice.
    expect((await fsyncs()) - before).toBeLessThanOrEqual(15);
    before = await fsyncs();
    for (const doc of docs.slice(1, 11)) await store.compact(doc);
    expect(store.stats.compactions).toBe(11);
    expect((await fsyncs()) - before).toBeLessThanOrEqual(15);
    await store.close();
  });
});
