import { beforeAll, describe, expect, it } from 'vitest';
import type { AmendmentView } from '../../shared/amendments/amendment.ts';
import type { NegotiationEvent } from '../../shared/events.ts';
import { call } from '../helpers/auth.ts';
import { storedText, useCluster } from '../helpers/cluster.ts';
import { DEMO_PASSWORD } from '../../server/seed/demo-content.ts';
import { collect, command, joinAtHead, until, type ClientSocket } from './realtime-client.ts';
import { appendParagraph, synced, waitFor, type TestClient } from './yjs-helpers.ts';

const ACCOUNTS = {
  axess: 'negociateur@axess.demo',
  secretariat: 'secretariat@axess.demo',
  chair: 'president@cmp.demo',
  cfdt: 'delegue@cfdt.demo',
  cgt: 'delegue@cgt.demo',
  fo: 'delegue@fo.demo',
} as const;
type Who = keyof typeof ACCOUNTS;

/**
 * Two workspace processes on one Redis and one database: what two people do at the same
 * instant on two processes ends as it would on one process.
 */
describe('simultaneous acts on two processes', () => {
  const sut = useCluster(2, { logins: Object.values(ACCOUNTS) });
  let negotiationId: string;
  const at = (i: number) => sut.at(i);
  const socketAt = (i: number, who: Who) => sut.socketAt(i, ACCOUNTS[who]);
  const open = (i: number, docName: string, who: Who = 'axess') => sut.open(i, docName, ACCOUNTS[who]);
  async function ok<T = AmendmentView>(socket: ClientSocket, event: string, payload: Record<string, unknown>): Promise<T> {
    const ack = await command<T>(socket, event, { negotiationId, ...payload });
    if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }
  const countEvents = (filter: Record<string, unknown>) => sut.db.collection('events').countDocuments({ negotiationId, ...filter });

  beforeAll(() => {
    negotiationId = sut.ids.negotiations.tempsDeTravail;
  });

  it('two merges of amendments on the same article at the same instant on two processes: both merged once, one text everywhere and in storage', async () => {
    const articleId = sut.ids.articles.tempsDeTravail[3];
    const docName = `article:${articleId}`;
    const [cgt, fo, secretariat, chair] = [await socketAt(0, 'cgt'), await socketAt(1, 'fo'), await socketAt(0, 'secretariat'), await socketAt(1, 'chair')];
    // Two amendments to two passages of article 3, each discussed and adopted.
    const adopted: AmendmentView[] = [];
    for (const [socket, from, to] of [
      [cgt, 'vingt minutes', 'trente minutes'],
      [fo, 'six heures', 'cinq heures'],
    ] as const) {
      const draft = await ok(socket, 'amendment:draft', { articleId, content: { kind: 'replace-words', from, to }, justification: `De « ${from} » à « ${to} ».` });
      const tabled = await ok(socket, 'amendment:table', { amendmentId: draft.id });
      await ok(secretariat, 'amendment:discuss', { amendmentId: tabled.id });
      adopted.push(await ok(chair, 'amendment:adopt', { amendmentId: tabled.id }));
    }
    const readers = [open(0, docName, 'cfdt'), open(1, docName, 'cfdt')];
    await Promise.all(readers.map((r) => synced(r)));
    // The pen-holder merges both at once, one on each process.
    const pens = [await socketAt(0, 'axess'), await socketAt(1, 'axess')];
    const merges = await Promise.all(adopted.map((amendment, i) => command<AmendmentView>(pens[i], 'amendment:merge', { negotiationId, amendmentId: amendment.id })));
    for (const merge of merges) expect(merge).toMatchObject({ ok: true, data: { status: 'merged' } });
    for (const amendment of adopted) expect(await countEvents({ type: 'amendment:merged', 'payload.amendmentId': amendment.id })).toBe(1);
    const both = (text: string) => text.includes('trente minutes') && text.includes('cinq heures') && !text.includes('vingt minutes') && !text.includes('six heures');
    await waitFor(() => readers.every((r) => both(r.text())), 10_000, 'both merges on both processes');
    expect(readers[0].text()).toBe(readers[1].text());
    await waitFor(async () => (await storedText(sut.db, docName)) === readers[0].text(), 15_000, 'the stored text');
    // Merging again is refused wherever it is asked, as on one process.
    for (const [i, amendment] of adopted.entries()) {
      expect(await command(pens[1 - i], 'amendment:merge', { negotiationId, amendmentId: amendment.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    }
  }, 120_000);

  it('two signatures at the same instant on two processes are both recorded once; the same organisation twice, once', async () => {
    const post = (i: number, who: Who, path: string, body: unknown) => call(at(i), `/negotiations/${negotiationId}/signature${path}`, { cookie: sut.cookie(ACCOUNTS[who]), body });
    expect((await post(0, 'secretariat', '/open', { signatureDeadline: '2099-01-01' })).status).toBe(201);
    // CFDT on process 0 and AXESS on process 1, at once.
    const [cfdt, axess] = await Promise.all([post(0, 'cfdt', '/sign', { password: DEMO_PASSWORD }), post(1, 'axess', '/sign', { password: DEMO_PASSWORD })]);
    expect([cfdt.status, axess.status]).toEqual([200, 200]);
    // FO's signatory twice at once, once on each process: one signature, the other refused.
    const twice = await Promise.all([post(0, 'fo', '/sign', { password: DEMO_PASSWORD }), post(1, 'fo', '/sign', { password: DEMO_PASSWORD })]);
    expect(twice.map((r) => r.status).sort()).toEqual([200, 409]);
    const campaign = (await (await call(at(1), `/negotiations/${negotiationId}/signature`, { cookie: sut.cookie(ACCOUNTS.cgt) })).json()) as { campaign: { signatures: { org: string }[] } };
    const orgs = campaign.campaign.signatures.map((s) => s.org).sort();
    expect(orgs).toEqual([sut.ids.organisations.AXESS, sut.ids.organisations.CFDT, sut.ids.organisations.FO].sort());
    expect(await countEvents({ type: 'signature:signed' })).toBe(3);
  }, 60_000);

  it('presence crosses processes over pub/sub, is not kept in the document’s stream, and a late opener sees the others at once', async () => {
    const docName = `article:${sut.ids.articles.tempsDeTravail[4]}`;
    const names = (client: TestClient) =>
      [...client.provider.awareness.getStates().entries()].filter(([id]) => id !== client.provider.awareness.clientID).map(([, s]) => (s.cursor as string) ?? '');
    const a = open(0, docName);
    await synced(a);
    a.provider.awareness.setLocalStateField('cursor', 'curseur sur 0');
    const b = open(1, docName, 'cfdt');
    await synced(b);
    // The document was new to process 1: it asked process 0 for its clients' states.
    await waitFor(() => names(b).includes('curseur sur 0'), 5_000, 'process 0’s presence at a late opener on process 1');
    b.provider.awareness.setLocalStateField('cursor', 'curseur sur 1');
    await waitFor(() => names(a).includes('curseur sur 1'), 5_000, 'process 1’s presence on process 0');
    const redis = new (await import('ioredis')).Redis(sut.cluster.redisUrl);
    try {
      const entries = await redis.xrangeBuffer(`negociation:yjs:${docName}`, '-', '+');
      const types = entries.flatMap(([, fields]) => fields.filter((_, i) => i > 0 && fields[i - 1].toString() === 't').map((t) => t.toString()));
      expect(types.filter((t) => t !== 'u')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it('a process started while Redis is down serves alone, and joins the others once Redis is back', async () => {
    const docName = `article:${sut.ids.articles.tempsDeTravail[5]}`;
    await sut.cluster.kill(1);
    await sut.cluster.killRedis();
    await sut.cluster.startProcess(1, { ready: false });
    // Alive but not ready: a balancer sends it no one yet; it serves those who reach it all the same.
    expect((await fetch(`${sut.cluster.processes[1].url}/api/ready`)).status).toBe(503);
    const [a, b] = [open(0, docName), open(1, docName)];
    await Promise.all([synced(a), synced(b)]);
    appendParagraph(b.doc, 'écrit sur le processus démarré sans Redis');
    await waitFor(() => a.text().includes('démarré sans Redis'), 10_000, 'through storage to the other process');
    const watcher = await socketAt(0, 'cfdt');
    const seen = collect(watcher);
    const { lastSeq } = await joinAtHead(watcher, negotiationId);
    const writer = await socketAt(1, 'cgt');
    await ok(writer, 'position:declare', { stance: 'réservé', statement: 'déclaré sans Redis', item: { kind: 'article', id: sut.ids.articles.tempsDeTravail[5] } });
    await until(() => seen.some((e: NegotiationEvent) => e.seq === lastSeq + 1), 'the event through the log', 15_000);

    await sut.cluster.startRedis();
    await waitFor(async () => (await fetch(`${sut.cluster.processes[1].url}/api/ready`)).status === 200, 15_000, 'ready once Redis is reached');
    // Live again both ways: an edit crosses in well under the storage poll.
    await waitFor(
      async () => {
        const marker = `repère ${Date.now()}`;
        appendParagraph(b.doc, marker);
        const sent = Date.now();
        await waitFor(() => a.text().includes(marker), 5_000, 'the marker');
        return Date.now() - sent < 500;
      },
      20_000,
      'live replication from the late process',
    );
    await ok(writer, 'position:declare', { stance: 'favorable', statement: 'déclaré avec Redis', item: { kind: 'article', id: sut.ids.articles.tempsDeTravail[5] } });
    await until(() => seen.some((e: NegotiationEvent) => e.seq === lastSeq + 2), 'the live event', 5_000);
    expect(seen.filter((e: NegotiationEvent) => e.seq > lastSeq).map((e) => e.seq)).toEqual([lastSeq + 1, lastSeq + 2]);
  }, 180_000);
});
