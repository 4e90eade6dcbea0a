import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { login } from '../helpers/auth.ts';
import { articleModel } from '../../server/negotiations/article.model.ts';
import { connectClient, synced, upgradeStatus, type TestClient } from './yjs-helpers.ts';

// What authorising a Yjs connection reads of the database: an agreement's articles are opened
// together, and the answer for one tells the server about all of its negotiation's articles.

describe('Yjs authorisation reads', () => {
  let server: TestServer;
  let ids: DemoIds;
  let cookie: string;
  const articleIds = Array.from({ length: 12 }, (_, i) => `reads${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    const negotiationId = Object.values(ids.negotiations)[1];
    await articleModel(server.app.context.db.connection).insertMany(
      articleIds.map((articleId, i) => ({ negotiationId, articleId, number: String(100 + i), title: `Article ${100 + i}`, order: 100 + i, status: 'open', kind: 'article', seedParagraphs: [`Paragraphe ${i}.`] })),
    );
    cookie = await login(server, 'negociateur@axess.demo');
  });

  afterAll(async () => {
    await server?.close();
  });

  it("opening a negotiation's articles one after the other reads its articles once, not once per article", async () => {
    const finds = vi.spyOn(articleModel(server.app.context.db.connection), 'find');
    const clients: TestClient[] = [];
    try {
      for (const articleId of articleIds) {
        const c = connectClient(server.url, `article:${articleId}`, cookie);
        clients.push(c);
        await synced(c);
      }
      // The lookups of the authorisation (the article's negotiation), not the first load's read
      // of a new article's seed paragraphs: the first article's own, and its negotiation's list.
      const lookups = finds.mock.calls.filter(([, projection]) => JSON.stringify(projection) === JSON.stringify({ articleId: 1, negotiationId: 1 }));
      expect(lookups.length).toBeLessThanOrEqual(2);
    } finally {
      finds.mockRestore();
      for (const c of clients) c.destroy();
    }
  });

  it('an article of no negotiation is still refused', async () => {
    expect(await upgradeStatus(`${server.url.replace(/^http/, 'ws')}/yjs/article:nowhere`, cookie)).toBe(403);
  });
});
