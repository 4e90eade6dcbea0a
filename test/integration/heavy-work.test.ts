import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Comparison, VersionSummary } from '../../shared/text-diff.ts';
import { articleDocName, insertArticle, writeParagraphs, type StructureEntry } from '../../shared/structure.ts';
import { collabOf } from '../../server/collab/collab.capability.ts';
import { versionModel } from '../../server/versions/version.model.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { call, login } from '../helpers/auth.ts';
import { amendWords, frenchArticle } from '../helpers/french-text.ts';

// The server runs in this process: the share of the time its event loop spends working while
// a request is served says whether the work ran on it or in a worker. Run on the event loop,
// these requests keep it busy nearly all along (utilisation near 1); in a worker, it only
// reads the database and writes the answer.
const FREE = 0.5;

async function utilisationDuring<T>(work: () => Promise<T>): Promise<{ result: T; utilisation: number }> {
  const start = performance.eventLoopUtilization();
  const result = await work();
  return { result, utilisation: performance.eventLoopUtilization(start).utilization };
}

describe('heavy work runs off the event loop', () => {
  let server: TestServer;
  let ids: DemoIds;
  let secretariat: string;
  let delegate: string;

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    secretariat = await login(server, 'secretariat@axess.demo');
    delegate = await login(server, 'delegue@cfdt.demo');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('comparing two versions of a whole agreement leaves the event loop free', async () => {
    const negotiationId = ids.negotiations.tempsDeTravail;
    // Twenty 3,000-word articles, each revised one word in four between the two versions.
    const articles = Array.from({ length: 20 }, (_, i) => ({ id: `long${i}`, blocks: frenchArticle(3_000, 500 + i) }));
    const structure = new Y.Doc();
    articles.forEach(({ id }, i) => insertArticle(structure, { id, number: String(i + 1), title: `Article ${i + 1}`, titre: null, chapitre: null, kind: 'article', status: 'open', formerNumbers: [] } as StructureEntry));
    const store = async (name: string, text: (blocks: string[], i: number) => string[]) => {
      const doc = await versionModel(server.app.context.db.connection).create({
        negotiationId,
        name,
        kind: 'manual',
        createdAt: new Date(),
        createdBy: { userId: 'test', name: 'Test' },
        structure: Buffer.from(Y.encodeStateAsUpdate(structure)),
        articles: articles.map(({ id, blocks }, i) => {
          const article = new Y.Doc();
          writeParagraphs(article, text(blocks, i));
          return { articleId: id, state: Buffer.from(Y.encodeStateAsUpdate(article)) };
        }),
      });
      return String(doc._id);
    };
    const before = await store('Avant', (blocks) => blocks);
    const after = await store('Après', (blocks, i) => blocks.map((block, j) => amendWords([block], i * 100 + j, Math.ceil(block.split(' ').length / 4))[0]));

    const { result: response, utilisation } = await utilisationDuring(() => call(server, `/negotiations/${negotiationId}/compare?from=${before}&to=${after}`, { cookie: delegate }));
    expect(response.status).toBe(200);
    const comparison = (await response.json()) as Comparison;
    expect(comparison.summary.changed).toBe(20);
    expect(comparison.articles.every((a) => a.change === 'changed' && !a.replaced)).toBe(true);
    expect(utilisation).toBeLessThan(FREE);
  });

  it('exporting a long signed agreement leaves the event loop free', async () => {
    const negotiationId = ids.negotiations.tempsDeTravail;
    const { store } = collabOf(server.app.context);
    // The live articles grow to 30,000 words in all, then the text is opened for signature.
    for (const [i, articleId] of ids.articles.tempsDeTravail.entries()) {
      await store.withDoc(articleDocName(articleId), (doc) => writeParagraphs(doc, frenchArticle(30_000 / ids.articles.tempsDeTravail.length, 900 + i)));
    }
    const opened = await call(server, `/negotiations/${negotiationId}/signature/open`, { cookie: secretariat, body: { signatureDeadline: '2099-01-01' } });
    expect(opened.status).toBe(201);
    const versions = (await (await call(server, `/negotiations/${negotiationId}/versions`, { cookie: delegate })).json()) as VersionSummary[];
    const frozen = versions.find((v) => v.kind === 'signature')!;

    const { result: response, utilisation } = await utilisationDuring(() => call(server, `/negotiations/${negotiationId}/versions/${frozen.id}/export.pdf`, { cookie: delegate }));
    expect(response.status).toBe(200);
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(100_000);
    expect(utilisation).toBeLessThan(FREE);
  });
});
