import type mongoose from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../helpers/auth.ts';
import { startCluster, storedText, type Cluster } from '../helpers/cluster.ts';
import type { DemoIds } from '../helpers/seed.ts';
import { appendParagraph, connectClient, synced, waitFor, type TestClient } from './yjs-helpers.ts';

const NEGOTIATOR = 'negociateur@axess.demo';
const DELEGATE = 'delegue@cfdt.demo';

/** Three workspace processes on one Redis and one database, the demo seeded. */
describe('several processes are one workspace', () => {
  let cluster: Cluster;
  let ids: DemoIds;
  let db: mongoose.Connection;
  const cookies: Record<string, string> = {};
  const clients: TestClient[] = [];
  const at = (i: number) => ({ url: cluster.processes[i].url });
  const article = (n: number) => `article:${ids.articles.tempsDeTravail[n]}`;
  const open = (i: number, docName: string, who = NEGOTIATOR) => {
    const client = connectClient(cluster.processes[i].url, docName, cookies[who]);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    ({ cluster, ids, db } = await startCluster(3));
    for (const who of [NEGOTIATOR, DELEGATE, 'delegue@cgt.demo', 'delegue@fo.demo']) cookies[who] = await login(at(0), who);
  }, 180_000);

  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });

  afterAll(async () => {
    await db?.close();
    await cluster?.close();
  }, 60_000);

  it('providers on different processes converge, both ways, concurrent edits included', async () => {
    const [a, b, c] = [open(0, article(1)), open(1, article(1)), open(2, article(1))];
    await Promise.all([synced(a), synced(b), synced(c)]);
    for (let i = 0; i < 10; i++) {
      appendParagraph(a.doc, `depuis le processus 0, ligne ${i}`);
      appendParagraph(b.doc, `depuis le processus 1, ligne ${i}`);
      appendParagraph(c.doc, `depuis le processus 2, ligne ${i}`);
    }
    const complete = (client: TestClient) => [0, 1, 2].every((p) => client.text().includes(`depuis le processus ${p}, ligne 9`));
    await waitFor(() => complete(a) && complete(b) && complete(c), 10_000, 'convergence');
    await waitFor(() => a.text() === b.text() && b.text() === c.text(), 5_000, 'the same text everywhere');
  });

  it('a late joiner on a third process sees an update accepted elsewhere a moment before, not yet stored', async () => {
    const docName = article(2);
    const [a, b] = [open(0, docName), open(1, docName)];
    await Promise.all([synced(a), synced(b)]);
    // Process 2 has never opened this document: it reads it from the stream and the database.
    appendParagraph(a.doc, 'accepté par le processus 0 à l’instant');
    await waitFor(() => b.text().includes('à l’instant'), 5_000, 'process 1 has it');
    const late = open(2, docName);
    await synced(late);
    expect(late.text()).toContain('accepté par le processus 0 à l’instant');
  });

  it('a delegate’s update is dropped whichever process receives it', async () => {
    const docName = article(3);
    const pens = [open(0, docName), open(1, docName), open(2, docName)];
    await Promise.all(pens.map((pen) => synced(pen)));
    for (let i = 0; i < 3; i++) {
      const delegate = open(i, docName, DELEGATE);
      await synced(delegate);
      appendParagraph(delegate.doc, `tentative du délégué par le processus ${i}`);
    }
    appendParagraph(pens[0].doc, 'repère après les tentatives');
    await waitFor(() => pens.every((p) => p.text().includes('repère après les tentatives')), 10_000, 'the marker everywhere');
    for (const pen of pens) expect(pen.text()).not.toContain('tentative du délégué');
    const fresh = open(2, docName);
    await synced(fresh);
    expect(fresh.text()).not.toContain('tentative du délégué');
  });

  it('stores every update exactly as the live copies hold it', async () => {
    const docName = article(1);
    const probe = open(1, docName);
    await synced(probe);
    const live = probe.text();
    // Whatever process stored what, the database alone rebuilds the same text.
    await waitFor(async () => (await storedText(db, docName)) === live, 15_000, 'the stored text');
  });
});
