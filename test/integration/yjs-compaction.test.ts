import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../server/db/connection.ts';
import { DocStore } from '../../server/collab/doc-store.ts';
import { MongoPersistence } from '../../server/collab/persistence.ts';
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
});
