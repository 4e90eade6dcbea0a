import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison, VersionSummary, VersionText } from '../../shared/text-diff.ts';
import type { NegotiationDetail } from '../../shared/identity.ts';
import { readBlocks, type StructureEntry } from '../../shared/structure.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { call, login } from '../helpers/auth.ts';
import { collabOf } from '../../server/collab/collab.capability.ts';
import { createVersion } from '../../server/versions/versions.service.ts';
import { SYSTEM } from '../../server/events/event-log.ts';
import { appendParagraph, connectClient, synced, waitFor, type TestClient } from './yjs-helpers.ts';

describe('versions, comparison and the article workflow', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  let articleIds: string[];
  let negotiator: string;
  let delegate: string;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    const key = Object.keys(ids.negotiations)[1] as keyof DemoIds['negotiations'];
    negotiationId = ids.negotiations[key];
    articleIds = ids.articles[key];
    negotiator = await login(server, 'negociateur@axess.demo');
    delegate = await login(server, 'delegue@cfdt.demo');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });
  afterAll(async () => {
    await server?.close();
  });

  const json = async <T>(response: Response, status = 200): Promise<T> => {
    expect(response.status).toBe(status);
    return (await response.json()) as T;
  };

  it('a negotiator takes a version; a delegate may list and read it but not take one', async () => {
    const created = await json<VersionSummary>(
      await call(server, `/negotiations/${negotiationId}/versions`, { cookie: negotiator, body: { name: 'Avant séance', reason: 'Base de travail' } }),
      201,
    );
    expect(created).toMatchObject({ name: 'Avant séance', kind: 'manual' });
    expect((await call(server, `/negotiations/${negotiationId}/versions`, { cookie: delegate, body: { name: 'Non' } })).status).toBe(403);
    const list = await json<VersionSummary[]>(await call(server, `/negotiations/${negotiationId}/versions`, { cookie: delegate }));
    expect(list.map((v) => Object.keys(v).sort())).toEqual([['createdAt', 'id', 'kind', 'name']]);
    const text = await json<VersionText>(await call(server, `/negotiations/${negotiationId}/versions/${created.id}`, { cookie: delegate }));
    expect(text.articles.map((a) => a.id)).toEqual(articleIds);
    expect(text.articles.some((a) => a.blocks.length > 0)).toBe(true);
    expect(text.createdBy?.name).toBe('Claire Marchand');
  });

  it('compares a version with the live text after an edit, word by word', async () => {
    const [first] = await json<VersionSummary[]>(await call(server, `/negotiations/${negotiationId}/versions`, { cookie: negotiator }));
    const writer = connectClient(server.url, `article:${articleIds[1]}`, negotiator);
    clients.push(writer);
    await synced(writer);
    appendParagraph(writer.doc, "Les parties se réunissent « chaque année » pour l'examen.");
    await new Promise((r) => setTimeout(r, 300));
    const comparison = await json<Comparison>(await call(server, `/negotiations/${negotiationId}/compare?from=${first.id}&to=live`, { cookie: delegate }));
    const changed = comparison.articles.find((a) => a.id === articleIds[1]);
    expect(changed?.change).toBe('changed');
    expect(changed?.diff.filter((d) => d.op === 'insert').map((d) => d.text).join('')).toContain('« chaque année »');
    expect(comparison.summary.changed).toBe(1);
    expect((await call(server, `/negotiations/${negotiationId}/compare?from=${first.id}`, { cookie: delegate })).status).toBe(400);
  });

  it('createVersion is the one use case workflows call, and records version:created itself', async () => {
    const { context } = server.app;
    const version = await createVersion(
      { connection: context.db.connection, store: collabOf(context).store, events: context.events, clock: context.clock, ids: context.ids },
      { negotiationId, name: 'Fin de séance', kind: 'session', author: { userId: 'system', name: 'Secrétariat' }, by: SYSTEM },
    );
    const list = await json<VersionSummary[]>(await call(server, `/negotiations/${negotiationId}/versions`, { cookie: delegate }));
    expect(list[0]).toMatchObject({ id: version.id, kind: 'session' });
    const recorded = (await context.events.since(negotiationId, 0)).filter((e) => e.type === 'version:created');
    expect(recorded.at(-1)).toMatchObject({ actor: 'system', payload: { versionId: version.id, name: 'Fin de séance', kind: 'session' } });
  });

  it('adding, moving, renumbering and deleting articles keep the metadata and the cross-references right', async () => {
    const outline = connectClient(server.url, `agreement:${negotiationId}`, delegate);
    clients.push(outline);
    await synced(outline);
    expect((await call(server, `/negotiations/${negotiationId}/articles`, { cookie: delegate, body: { title: 'Non' } })).status).toBe(403);
    const added = await json<StructureEntry>(
      await call(server, `/negotiations/${negotiationId}/articles`, {
        cookie: negotiator,
        body: { title: 'Suivi', position: 1, paragraphs: [`Voir l'article ${'2'}.`] },
      }),
      201,
    );
    await waitFor(() => outline.doc.getArray('articles').toArray().some((m) => (m as { get(k: string): unknown }).get('id') === added.id), 5000, 'live outline');
    const preview = await json<{ token: string }>(await call(server, `/negotiations/${negotiationId}/articles/renumber/preview`, { cookie: negotiator, body: {} }));
    const renumbered = await json<{ renumbered: Record<string, string> }>(
      await call(server, `/negotiations/${negotiationId}/articles/renumber`, { cookie: negotiator, body: { confirm: preview.token } }),
    );
    expect(Object.keys(renumbered.renumbered).length).toBeGreaterThan(0);
    const text = await collabOf(server.app.context).store.withDoc(`article:${added.id}`, (doc) => readBlocks(doc));
    expect(text).toEqual([`Voir l'article ${renumbered.renumbered['2'] ?? '2'}.`]);
    const detail = await json<NegotiationDetail>(await call(server, `/negotiations/${negotiationId}`, { cookie: delegate }));
    expect(detail.articles.map((a) => a.id)).toContain(added.id);
    const numbers = detail.articles.filter((a) => a.kind === 'article').map((a) => a.number);
    expect(numbers).toEqual(numbers.map((_, i) => String(i + 1)));
    expect((await call(server, `/negotiations/${negotiationId}/articles/${added.id}`, { cookie: negotiator, method: 'PATCH', body: { position: 0 } })).status).toBe(204);
    const moved = await json<NegotiationDetail>(await call(server, `/negotiations/${negotiationId}`, { cookie: delegate }));
    expect(moved.articles[0].id).toBe(added.id);
    expect((await call(server, `/negotiations/${negotiationId}/articles/${added.id}`, { cookie: negotiator, method: 'DELETE' })).status).toBe(204);
    const after = await json<NegotiationDetail>(await call(server, `/negotiations/${negotiationId}`, { cookie: delegate }));
    expect(after.articles.map((a) => a.id)).not.toContain(added.id);
  });

  it("an article's status is a recorded decision, shown in the metadata and the live outline", async () => {
    const articleId = articleIds[0];
    expect(
      (await call(server, `/negotiations/${negotiationId}/articles/${articleId}/status`, { cookie: delegate, method: 'PUT', body: { status: 'bracketed' } })).status,
    ).toBe(403);
    const changed = await json<{ from: string; to: string }>(
      await call(server, `/negotiations/${negotiationId}/articles/${articleId}/status`, { cookie: negotiator, method: 'PUT', body: { status: 'bracketed' } }),
    );
    expect(changed.to).toBe('bracketed');
    const detail = await json<NegotiationDetail>(await call(server, `/negotiations/${negotiationId}`, { cookie: delegate }));
    expect(detail.articles.find((a) => a.id === articleId)?.status).toBe('bracketed');
    const events = await server.app.context.db.connection.db!.collection('events').find({ negotiationId, type: 'article:status-changed' }).toArray();
    expect(events.at(-1)?.payload).toMatchObject({ articleId, from: 'open', to: 'bracketed' });
  });
});
