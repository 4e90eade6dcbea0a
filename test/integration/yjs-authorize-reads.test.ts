import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { addMember, seedDemo, type DemoIds } from '../helpers/seed.ts';
import { login } from '../helpers/auth.ts';
import { sessionModel } from '../../server/auth/session.model.ts';
import { userModel } from '../../server/auth/user.model.ts';
import { sessionAuthorize } from '../../server/collab/authorize.ts';
import { articleModel } from '../../server/negotiations/article.model.ts';
import { membershipModel } from '../../server/negotiations/membership.model.ts';
import { negotiationModel } from '../../server/negotiations/negotiation.model.ts';
import { organisationModel } from '../../server/negotiations/organisation.model.ts';
import { connectClient, synced, upgradeStatus, type TestClient } from './yjs-helpers.ts';

// What authorising a Yjs connection reads of the database: an agreement's articles are opened
// together, and the answer for one tells the server about all of its negotiation's articles.

describe('Yjs authorisation reads', () => {
  let server: TestServer;
  let ids: DemoIds;
  let cookie: string;
  let negotiationId: string;
  const articleIds = Array.from({ length: 12 }, (_, i) => `reads${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = Object.values(ids.negotiations)[1];
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

  // Each open connection is authorised again every 5 s (recheckEveryMs), as its next message
  // arrives. Past the 5 s for which answers were shared, that re-read the session, the
  // mandate, the article with all its negotiation's articles, the negotiation and its parties.
  it("re-authorising open connections once the shared answers are old reads nothing when nothing changed, and refuses a revoked mandate at its next check", async () => {
    const connection = server.app.context.db.connection;
    const { membershipId } = await addMember(server, { email: 'recheck-reads@cfdt.test', negotiationId, organisationId: ids.organisations.CFDT, roles: ['delegate'] });
    const member = await login(server, 'recheck-reads@cfdt.test');
    const host = new URL(server.url).host;
    const authorize = sessionAuthorize(connection);
    const check = (articleId: string) => authorize({ cookie: member, origin: undefined, host, docName: `article:${articleId}` });
    for (const articleId of articleIds) expect(await check(articleId)).toMatchObject({ ok: true });
    const reads = [articleModel, negotiationModel, organisationModel, membershipModel, sessionModel, userModel].flatMap((model) =>
      (['find', 'findOne', 'findById', 'exists'] as const).map((method) => vi.spyOn(model(connection), method)),
    );
    const readCount = () => reads.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    vi.setSystemTime(Date.now() + 6_000);
    try {
      for (const articleId of articleIds) expect(await check(articleId)).toMatchObject({ ok: true, principal: { negotiationId } });
      expect(readCount()).toBe(0);
      // Revoked by another tool (no signal): refused at the next check, not up to 5 s later.
      await membershipModel(connection).updateOne({ _id: membershipId }, { $set: { revokedAt: new Date() } });
      expect(await check(articleIds[0])).toEqual({ ok: false, status: 403 });
    } finally {
      vi.useRealTimers();
      for (const spy of reads) spy.mockRestore();
    }
  });

  it('an article of no negotiation is still refused', async () => {
    expect(await upgradeStatus(`${server.url.replace(/^http/, 'ws')}/yjs/article:nowhere`, cookie)).toBe(403);
  });
});
