import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { accessCacheOf } from '../../server/access/access-cache.ts';
import { sessionModel } from '../../server/auth/session.model.ts';
import { userModel } from '../../server/auth/user.model.ts';
import { articleModel } from '../../server/negotiations/article.model.ts';
import { membershipModel } from '../../server/negotiations/membership.model.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { login } from '../helpers/auth.ts';
import { addMember, seedDemo, type DemoIds } from '../helpers/seed.ts';
import { command, connect, join, type ClientSocket } from './realtime-client.ts';

// The access cache exists only where the database reports its writes (the embedded engine).
describe.skipIf(!!process.env.MONGODB_URI)('the access cache, fed by the embedded engine’s writes', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  /** Another client of the same database: an operator's shell, a script, another process. */
  let other: MongoClient;
  const sockets: ClientSocket[] = [];

  const declare = (socket: ClientSocket, statement: string) =>
    command(socket, 'position:declare', { negotiationId, stance: 'favorable', statement, item: { kind: 'text' } });

  async function delegate(email: string): Promise<{ socket: ClientSocket; membershipId: string; cookie: string }> {
    const { membershipId } = await addMember(server, { email, negotiationId, organisationId: ids.organisations.FO, roles: ['delegate'] });
    const cookie = await login(server, email);
    const socket = await connect(server, cookie);
    sockets.push(socket);
    await join(socket, negotiationId, 0);
    return { socket, membershipId, cookie };
  }

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
    other = await MongoClient.connect(server.app.context.db.uri);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await other?.close();
    await server?.close();
  });

  it('checks a command without reading the session or the mandate again once they are known', async () => {
    const { socket } = await delegate('cached@fo.test');
    expect((await declare(socket, 'première')).ok).toBe(true);
    const connection = server.app.context.db.connection;
    const sessionReads = vi.spyOn(sessionModel(connection), 'findById');
    const mandateReads = vi.spyOn(membershipModel(connection), 'findOne');
    try {
      for (let i = 0; i < 5; i++) expect((await declare(socket, `suivante ${i}`)).ok).toBe(true);
      expect(sessionReads).not.toHaveBeenCalled();
      expect(mandateReads).not.toHaveBeenCalled();
    } finally {
      sessionReads.mockRestore();
      mandateReads.mockRestore();
    }
  });

  it('reads an article named by a command once, and refuses one removed by another client of the database at the very next command', async () => {
    const { socket } = await delegate('article-cache@fo.test');
    const articleId = ids.articles.tempsDeTravail.at(-1)!;
    const onArticle = (statement: string) => command(socket, 'position:declare', { negotiationId, stance: 'favorable', statement, item: { kind: 'article', id: articleId } });
    expect((await onArticle('première')).ok).toBe(true);
    const articleReads = vi.spyOn(articleModel(server.app.context.db.connection), 'exists');
    const articles = other.db().collection('articles');
    const stored = await articles.findOne({ articleId });
    try {
      for (let i = 0; i < 5; i++) expect((await onArticle(`suivante ${i}`)).ok).toBe(true);
      expect(articleReads).not.toHaveBeenCalled();
      await articles.deleteOne({ articleId });
      expect(await onArticle('après le retrait')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      articleReads.mockRestore();
      if (!(await articles.findOne({ articleId }))) await articles.insertOne(stored!);
    }
  });

  it('a burst of commands after the cache forgot everything reads the session, the user and the article once, not once per command', async () => {
    const { socket } = await delegate('burst@fo.test');
    const articleId = ids.articles.tempsDeTravail[0];
    const connection = server.app.context.db.connection;
    // Cold, as after a change to each collection (or a cluster's forget-all tick) with commands queued.
    const cache = accessCacheOf(connection)!;
    for (const part of [cache.sessions, cache.articles]) part.forget();
    const reads = [vi.spyOn(sessionModel(connection), 'findById'), vi.spyOn(userModel(connection), 'findById'), vi.spyOn(articleModel(connection), 'exists')];
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => command(socket, 'position:declare', { negotiationId, stance: 'réservé', statement: `rafale ${i}`, item: { kind: 'article', id: articleId } })),
      );
      for (const answer of answers) expect(answer.ok).toBe(true);
      for (const read of reads) expect(read).toHaveBeenCalledTimes(1);
    } finally {
      for (const read of reads) read.mockRestore();
    }
  });

  it('honours at the very next command a change of roles written by another client of the database', async () => {
    const { socket, membershipId } = await delegate('downgraded@fo.test');
    expect((await declare(socket, 'avant')).ok).toBe(true);
    await other.db().collection('memberships').updateOne({ _id: new ObjectId(membershipId) }, { $set: { roles: ['observer'] } });
    expect(await declare(socket, 'après')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('honours at the very next command a session deleted by another client of the database', async () => {
    const { socket } = await delegate('signed-out-elsewhere@fo.test');
    expect((await declare(socket, 'avant')).ok).toBe(true);
    const user = await other.db().collection('users').findOne({ email: 'signed-out-elsewhere@fo.test' });
    await other.db().collection('sessions').deleteMany({ userId: String(user!._id) });
    expect(await declare(socket, 'après')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('shows an organisation renamed by another client of the database at the next command', async () => {
    const { socket } = await delegate('renamed@fo.test');
    const before = await command<{ orgShortName: string }>(socket, 'position:declare', { negotiationId, stance: 'réservé', statement: 'x', item: { kind: 'text' } });
    expect(before).toMatchObject({ ok: true, data: { orgShortName: 'FO' } });
    await other.db().collection('organisations').updateOne({ _id: new ObjectId(ids.organisations.FO) }, { $set: { shortName: 'FO-CGT' } });
    try {
      const after = await command<{ orgShortName: string }>(socket, 'position:declare', { negotiationId, stance: 'réservé', statement: 'y', item: { kind: 'text' } });
      expect(after).toMatchObject({ ok: true, data: { orgShortName: 'FO-CGT' } });
    } finally {
      await other.db().collection('organisations').updateOne({ _id: new ObjectId(ids.organisations.FO) }, { $set: { shortName: 'FO' } });
    }
  });
});
