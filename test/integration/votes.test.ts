import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NegotiationEvent } from '../../shared/events.ts';
import type { VoteView } from '../../shared/votes/vote.ts';
import { rebuildVotes, syncVotes } from '../../server/votes/vote.service.ts';
import { call } from '../helpers/auth.ts';
import { useDemoTable } from '../helpers/demo-table.ts';
import { collect, join, until } from './realtime-client.ts';

const SEATS = ['secretariat', 'axess', 'cfdt', 'cgt', 'fo', 'sud', 'cftc', 'chair'] as const;
type Who = (typeof SEATS)[number];

describe('indicative votes', () => {
  const demo = useDemoTable(SEATS, { negotiation: 'cppni' });
  const { cookies, sockets, send, ok, head } = demo;
  let observed: NegotiationEvent[];

  beforeAll(async () => {
    observed = collect(sockets.chair);
    await join(sockets.chair, demo.negotiationId, 0);
  });
  afterEach(() => {
    observed.length = 0;
  });

  it('a double-majority vote: ballots change until the close, which freezes weights and names every ballot', async () => {
    const opened = await ok<VoteView>('secretariat', 'vote:open', {
      item: { kind: 'text' },
      rule: 'double-majority',
      title: 'Principe d’une CPPNI à deux sections',
    });
    expect(opened).toMatchObject({ status: 'open', rule: 'double-majority', ballots: [], result: null });
    const voteId = opened.id;

    await ok('axess', 'vote:cast', { voteId, choice: 'pour' });
    await ok('cfdt', 'vote:cast', { voteId, choice: 'pour' });
    await ok('cgt', 'vote:cast', { voteId, choice: 'contre' });
    await ok('fo', 'vote:cast', { voteId, choice: 'contre' });
    await ok('sud', 'vote:cast', { voteId, choice: 'abstention' });
    await ok('cftc', 'vote:cast', { voteId, choice: 'pour' });
    // The CGT changes its mind before the close.
    const changed = await ok<VoteView>('cgt', 'vote:cast', { voteId, choice: 'pour' });
    expect(changed.ballots.find((b) => b.org === demo.ids.organisations.CGT)?.choice).toBe('pour');

    const closed = await ok<VoteView>('secretariat', 'vote:close', { voteId });
    expect(closed.status).toBe('closed');
    const result = closed.result!;
    expect(result.adopted).toBe(true);
    expect(result.colleges.union).toMatchObject({ pour: 7368, contre: 1469, abstention: 1163, expressed: 8837, inFavour: true });
    expect(result.colleges.employer).toMatchObject({ pour: 10000, inFavour: true });
    expect(result.frozenWeights[demo.ids.organisations.CFDT]).toBe(3850);
    expect(result.frozenWeights[demo.ids.organisations.CFTC]).toBe(0);
    expect(result.frozenWeights[demo.ids.organisations.CMP]).toBeUndefined();
    const cgt = result.ballots.find((b) => b.shortName === 'CGT');
    expect(cgt).toMatchObject({ choice: 'pour', castBy: { name: 'Thomas Lefèvre' } });
    expect(result.ballots.find((b) => b.shortName === 'CFE-CGC')?.choice).toBeNull();

    await until(() => observed.some((e) => e.type === 'vote:closed'), 'the close broadcast');
    expect(observed.map((e) => e.type)).toEqual([
      'vote:opened',
      ...Array<string>(7).fill('ballot:cast'),
      'vote:closed',
    ]);

    // After the close, the ballot cannot change, and nothing is recorded.
    const before = await head();
    expect(await send('cgt', 'vote:cast', { voteId, choice: 'contre' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await send('secretariat', 'vote:close', { voteId })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await head()).toBe(before);

    const listed = await call(demo.server, `/negotiations/${demo.negotiationId}/votes/${voteId}`, { cookie: cookies.cfdt });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual(closed);
  });

  it('a union-weighted vote is decided by the unions alone', async () => {
    const { id: voteId } = await ok<VoteView>('secretariat', 'vote:open', {
      item: { kind: 'question', text: 'Faut-il une commission de suivi ?' },
      rule: 'union-weighted',
      title: 'Commission de suivi',
    });
    await ok('axess', 'vote:cast', { voteId, choice: 'contre' });
    await ok('cfdt', 'vote:cast', { voteId, choice: 'pour' });
    await ok('cgt', 'vote:cast', { voteId, choice: 'pour' });
    const closed = await ok<VoteView>('secretariat', 'vote:close', { voteId });
    expect(closed.result?.adopted).toBe(true);
  });

  it('a consensus vote falls on a single contre', async () => {
    const { id: voteId } = await ok<VoteView>('secretariat', 'vote:open', {
      item: { kind: 'article', id: demo.ids.articles.cppni[1] },
      rule: 'consensus',
      title: 'Article 2',
    });
    for (const who of ['axess', 'cfdt', 'cgt', 'fo'] as const) await ok(who, 'vote:cast', { voteId, choice: 'pour' });
    await ok('sud', 'vote:cast', { voteId, choice: 'contre' });
    const closed = await ok<VoteView>('secretariat', 'vote:close', { voteId });
    expect(closed.result?.adopted).toBe(false);
    expect(closed.result?.reasons.join(' ')).toMatch(/SUD/);
  });

  it('only the secretariat opens and closes; the presidency does not vote; nothing is stored on refusal', async () => {
    const before = await head();
    expect(await send('cgt', 'vote:open', { item: { kind: 'text' }, rule: 'consensus', title: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const { id: voteId } = await ok<VoteView>('secretariat', 'vote:open', { item: { kind: 'text' }, rule: 'consensus', title: 'x' });
    expect(await send('chair', 'vote:cast', { voteId, choice: 'pour' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send('secretariat', 'vote:cast', { voteId, choice: 'pour' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send('cgt', 'vote:close', { voteId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await head()).toBe(before + 1);
  });

  it.each([
    ['an unknown choice', 'vote:cast', { voteId: 'v', choice: 'peut-être' }],
    ['a missing vote id', 'vote:cast', { choice: 'pour' }],
    ['an unknown rule', 'vote:open', { item: { kind: 'text' }, rule: 'majority', title: 'x' }],
    ['an empty title', 'vote:open', { item: { kind: 'text' }, rule: 'consensus', title: '  ' }],
    ['an extra field', 'vote:close', { voteId: 'v', force: true }],
  ])('answers a malformed command (%s) with BAD_REQUEST and stores nothing', async (_name, event, payload) => {
    const before = await head();
    const who: Who = event === 'vote:cast' ? 'cgt' : 'secretariat';
    expect(await send(who, event, payload)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await head()).toBe(before);
  });

  it('refuses a ballot on an unknown vote and a vote on an unknown article', async () => {
    expect(await send('cgt', 'vote:cast', { voteId: 'nope', choice: 'pour' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(
      await send('secretariat', 'vote:open', { item: { kind: 'article', id: 'nope' }, rule: 'consensus', title: 'x' }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('puts to the vote a tabled amendment only: not an unknown one, a draft or a withdrawn one; nothing is stored on refusal', async () => {
    const article = demo.ids.articles.cppni[1];
    const amendment = (justification: string) => ({ articleId: article, content: { kind: 'delete-article' }, justification });
    const draft = await ok<{ id: string }>('cgt', 'amendment:draft', amendment('Brouillon.'));
    const withdrawn = await ok<{ id: string }>('fo', 'amendment:table', amendment('Retiré ensuite.'));
    await ok('fo', 'amendment:withdraw', { amendmentId: withdrawn.id });
    const tabled = await ok<{ id: string }>('cfdt', 'amendment:table', amendment('Déposé.'));
    const open = (id: string) => send('secretariat', 'vote:open', { item: { kind: 'amendment', id }, rule: 'double-majority', title: 'Amendement' });

    const before = await head();
    expect(await open('nope')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await open(draft.id)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await open(withdrawn.id)).toMatchObject({ ok: false, error: { code: 'UNPROCESSABLE' } });
    expect(await head()).toBe(before);
    expect(await open(tabled.id)).toMatchObject({ ok: true, data: { item: { kind: 'amendment', id: tabled.id } } });
  });

  it('the read model is rebuilt from the events to the same state, and syncing twice changes nothing', async () => {
    const listedBefore = await (await call(demo.server, `/negotiations/${demo.negotiationId}/votes`, { cookie: cookies.fo })).json();
    await syncVotes(demo.server.app.context, demo.negotiationId);
    await syncVotes(demo.server.app.context, demo.negotiationId);
    await rebuildVotes(demo.server.app.context, demo.negotiationId);
    const listedAfter = await (await call(demo.server, `/negotiations/${demo.negotiationId}/votes`, { cookie: cookies.fo })).json();
    expect(listedAfter).toEqual(listedBefore);
    expect((listedAfter as VoteView[]).length).toBeGreaterThanOrEqual(4);
  });
});
