import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { NegotiationDetail, NegotiationSummary } from '../../shared/identity.ts';
import { call, login } from '../helpers/auth.ts';
import { startLoggedServer, type LoggedServer } from '../helpers/logged-server.ts';
import { command, connect, join } from './realtime-client.ts';
import { connectClient, synced } from './yjs-helpers.ts';

// What a delegation writes for itself must not end up in the server's logs either.
const PRIVATE_NOTE = 'Mandat confidentiel CGT : céder sur la pause si prime de nuit';
const DRAFT_WORDS = 'quarante-sept minutes';
const DRAFT_REASON = 'Motif interne CGT à ne pas divulguer';

describe('what the server logs about annotations and amendment drafts', () => {
  let server: LoggedServer;

  beforeAll(async () => {
    server = await startLoggedServer();
  });
  afterAll(() => server?.stop());

  it('never contains a private note, a draft or its justification, even at trace level', async () => {
    const cookie = await login(server, 'delegue@cgt.demo');
    const negotiations = (await (await call(server, '/negotiations', { cookie })).json()) as NegotiationSummary[];
    const negotiationId = negotiations.find((n) => n.title.includes('temps de travail'))!.id;
    const detail = (await (await call(server, `/negotiations/${negotiationId}`, { cookie })).json()) as NegotiationDetail;
    const articleId = detail.articles.find((a) => a.number === '3')!.id;

    const reader = connectClient(server.url, `article:${articleId}`, cookie);
    await synced(reader);
    const text = (reader.doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const position = (i: number) => Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, i))).toString('base64');
    const anchor = { start: position(0), end: position(12) };

    const socket = await connect(server, cookie);
    await join(socket, negotiationId, 0);
    expect(await command(socket, 'annotation:create', { negotiationId, articleId, anchor, body: PRIVATE_NOTE, visibility: 'private' })).toMatchObject({ ok: true });
    expect(
      await command(socket, 'amendment:draft', {
        negotiationId,
        articleId,
        anchor,
        content: { kind: 'replace-words', from: 'vingt minutes', to: DRAFT_WORDS },
        justification: DRAFT_REASON,
      }),
    ).toMatchObject({ ok: true });
    // A refused command (malformed) does not echo its payload either.
    await command(socket, 'annotation:create', { negotiationId, articleId, body: PRIVATE_NOTE, visibility: 'secret' });
    await call(server, `/negotiations/${negotiationId}/annotations?q=${encodeURIComponent('Mandat confidentiel')}`, { cookie });
    socket.close();
    reader.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(server.logs).toContain('signed in');
    for (const secret of [PRIVATE_NOTE, 'Mandat confidentiel', DRAFT_WORDS, DRAFT_REASON]) expect(server.logs).not.toContain(secret);
  });
});
