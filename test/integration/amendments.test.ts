import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { AmendmentDetail, AmendmentView } from '../../shared/amendments/amendment.ts';
import { amendmentFormula } from '../../shared/amendments/formula.ts';
import type { NegotiationEvent } from '../../shared/events.ts';
import type { VersionSummary, VersionText } from '../../shared/text-diff.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login } from '../helpers/auth.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { collect, command, connect, join, quiet, until, type ClientSocket } from './realtime-client.ts';
import { connectClient, synced, waitFor, type TestClient } from './yjs-helpers.ts';

const ACCOUNTS = {
  axess: 'negociateur@axess.demo',
  secretariat: 'secretariat@axess.demo',
  cfdt: 'delegue@cfdt.demo',
  cgt: 'delegue@cgt.demo',
  fo: 'delegue@fo.demo',
  chair: 'president@cmp.demo',
} as const;
type Who = keyof typeof ACCOUNTS;

/** Formulas use no-break spaces (French typography): compared as plain spaces. */
const plain = (s: string) => s.replace(/\u00a0/g, ' ');

const PAUSE = 'Dès que le temps de travail quotidien atteint six heures, le salarié bénéficie d’une pause d’une durée minimale de vingt minutes consécutives.';

describe('amendments', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  let pauseArticle: string; // article 3, « Temps de pause »
  let restArticle: string; // article 6, « Durées maximales et repos »
  const cookies = {} as Record<Who, string>;
  const sockets = {} as Record<Who, ClientSocket>;
  const seen = {} as Record<Who, NegotiationEvent[]>;
  let pen: TestClient; // the negotiator's live editor on article 3

  const send = <T>(who: Who, event: string, payload: Record<string, unknown>) => command<T>(sockets[who], event, { negotiationId, ...payload });
  async function ok<T = AmendmentView>(who: Who, event: string, payload: Record<string, unknown>): Promise<T> {
    const ack = await send<T>(who, event, payload);
    if (!ack.ok) throw new Error(`${event} by ${who}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }
  const head = async () => (await server.app.context.events.since(negotiationId, 0)).length;
  const list = async (who: Who) =>
    (await (await call(server, `/negotiations/${negotiationId}/amendments`, { cookie: cookies[who] })).json()) as AmendmentView[];
  const detail = (who: Who, id: string) => call(server, `/negotiations/${negotiationId}/amendments/${id}`, { cookie: cookies[who] });
  const replaceWords = (from: string, to: string) => ({ kind: 'replace-words', from, to });

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
    pauseArticle = ids.articles.tempsDeTravail[3];
    restArticle = ids.articles.tempsDeTravail[6];
    for (const [who, email] of Object.entries(ACCOUNTS) as [Who, string][]) {
      cookies[who] = await login(server, email);
      sockets[who] = await connect(server, cookies[who]);
      seen[who] = collect(sockets[who]);
      await join(sockets[who], negotiationId, 0);
    }
    pen = connectClient(server.url, `article:${pauseArticle}`, cookies.axess);
    await synced(pen);
  });
  afterAll(async () => {
    pen?.destroy();
    for (const socket of Object.values(sockets)) socket.close();
    await server?.close();
  });

  it('a CGT draft reaches the CGT only: live, catch-up, REST list and single', async () => {
    const draft = await ok('cgt', 'amendment:draft', {
      articleId: pauseArticle,
      content: replaceWords('vingt minutes', 'trente minutes'),
      justification: 'Vingt minutes ne suffisent pas pour un repas.',
    });
    expect(draft).toMatchObject({ status: 'draft', number: null, org: { shortName: 'CGT' }, target: { number: '3' } });
    await until(() => seen.cgt.some((e) => e.type === 'amendment:drafted'), 'the draft at the CGT');
    await quiet();
    for (const who of ['cfdt', 'fo', 'axess', 'secretariat', 'chair'] as const) {
      expect(seen[who].some((e) => e.type === 'amendment:drafted')).toBe(false);
      expect((await list(who)).some((a) => a.id === draft.id)).toBe(false);
      expect((await detail(who, draft.id)).status).toBe(404);
    }
    const caughtUp = await join(await connect(server, cookies.cfdt), negotiationId, 0);
    expect(caughtUp.events.some((e) => e.type.startsWith('amendment:'))).toBe(false);
    expect(JSON.stringify(caughtUp.events)).not.toContain('trente minutes');
    // Another organisation cannot table it either: for them it does not exist.
    expect(await send('cfdt', 'amendment:table', { amendmentId: draft.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await list('cgt')).find((a) => a.id === draft.id)?.actions).toEqual(['table', 'withdraw']);
  });

  it('tabling shows it to the committee with its French formula and the base it was written against', async () => {
    const [draft] = (await list('cgt')).filter((a) => a.status === 'draft');
    const tabled = await ok('cgt', 'amendment:table', { amendmentId: draft.id });
    expect(tabled.status).toBe('tabled');
    // Numbered in the order of tabling.
    expect(tabled.number).toBe(1);
    expect(tabled.formula).toBe(amendmentFormula({ number: '3' }, { kind: 'replace-words', from: 'vingt minutes', to: 'trente minutes' }));
    expect(plain(tabled.formula)).toBe('À l’article 3, les mots « vingt minutes » sont remplacés par les mots « trente minutes ».');
    expect(tabled.base.blocks[0]).toBe(PAUSE);
    expect(tabled.base.stateVector.length).toBeGreaterThan(0);
    const snapshot = Y.decodeSnapshot(Buffer.from(tabled.base.snapshot, 'base64'));
    expect(snapshot.sv.size).toBeGreaterThan(0);
    for (const who of ['cfdt', 'axess', 'chair'] as const) {
      await until(() => seen[who].some((e) => e.type === 'amendment:tabled'), `the tabling at ${who}`);
      const mine = (await list(who)).find((a) => a.id === draft.id)!;
      expect(mine).toMatchObject({ status: 'tabled', outdated: false, competing: [] });
      // The drafting stays the CGT's business.
      expect(mine.history.map((h) => h.status)).toEqual(['tabled']);
    }
    expect((await list('cgt')).find((a) => a.id === draft.id)!.history.map((h) => h.status)).toEqual(['draft', 'tabled']);
    const fromCfdt = (await (await detail('cfdt', draft.id)).json()) as AmendmentDetail;
    expect(fromCfdt.diffAgainstBase.filter((d) => d.op !== 'equal').map((d) => `${d.op}:${d.text}`)).toEqual(['delete:vingt', 'insert:trente']);
    expect(fromCfdt.diffAgainstCurrent).toEqual(fromCfdt.diffAgainstBase);
  });

  it('refuses what a mandate does not allow, and stores nothing', async () => {
    const tabled = (await list('cfdt')).find((a) => a.status === 'tabled')!;
    const before = await head();
    const refusals: [Who, string, Record<string, unknown>, string][] = [
      // A CGT delegate cannot table for the CFDT.
      ['cgt', 'amendment:table', { org: ids.organisations.CFDT, articleId: pauseArticle, content: replaceWords('six', 'cinq'), justification: 'x' }, 'FORBIDDEN'],
      ['cgt', 'amendment:draft', { org: ids.organisations.CFDT, articleId: pauseArticle, content: replaceWords('six', 'cinq'), justification: 'x' }, 'FORBIDDEN'],
      // The chair and the secretariat do not table amendments.
      ['chair', 'amendment:table', { articleId: pauseArticle, content: replaceWords('six', 'cinq'), justification: 'x' }, 'FORBIDDEN'],
      ['secretariat', 'amendment:table', { articleId: pauseArticle, content: replaceWords('six', 'cinq'), justification: 'x' }, 'FORBIDDEN'],
      // Only the CGT withdraws the CGT's amendment.
      ['cfdt', 'amendment:withdraw', { amendmentId: tabled.id }, 'FORBIDDEN'],
      // Deciding is the secretariat's or the chair's; merging the pen-holder's.
      ['cgt', 'amendment:discuss', { amendmentId: tabled.id }, 'FORBIDDEN'],
      ['axess', 'amendment:adopt', { amendmentId: tabled.id }, 'FORBIDDEN'],
      ['cgt', 'amendment:merge', { amendmentId: tabled.id }, 'FORBIDDEN'],
      ['cfdt', 'amendment:merge', { amendmentId: tabled.id }, 'FORBIDDEN'],
      // A decision is taken on an amendment under discussion, a merge on an adopted one.
      ['secretariat', 'amendment:adopt', { amendmentId: tabled.id }, 'CONFLICT'],
      ['axess', 'amendment:merge', { amendmentId: tabled.id }, 'CONFLICT'],
      ['cgt', 'amendment:table', { amendmentId: tabled.id }, 'CONFLICT'],
      // Words the article does not hold.
      ['cgt', 'amendment:table', { articleId: pauseArticle, content: replaceWords('quarante-deux', 'x'), justification: 'x' }, 'UNPROCESSABLE'],
      ['cgt', 'amendment:table', { articleId: 'nope', content: replaceWords('six', 'cinq'), justification: 'x' }, 'NOT_FOUND'],
      ['secretariat', 'amendment:discuss', { amendmentId: 'nope' }, 'NOT_FOUND'],
    ];
    for (const [who, event, payload, code] of refusals) {
      expect(await send(who, event, payload), `${who} ${event}`).toMatchObject({ ok: false, error: { code } });
    }
    expect(await head()).toBe(before);
  });

  it.each([
    ['no payload', 'amendment:table', undefined],
    ['an unknown kind', 'amendment:table', { articleId: 'a', content: { kind: 'rewrite', text: 'x' }, justification: 'x' }],
    ['no justification', 'amendment:table', { articleId: 'a', content: { kind: 'delete-article' } }],
    ['empty words', 'amendment:draft', { articleId: 'a', content: { kind: 'replace-words', from: ' ', to: 'x' }, justification: 'x' }],
    ['an extra field in the content', 'amendment:draft', { articleId: 'a', content: { kind: 'delete-article', force: true }, justification: 'x' }],
    ['an anchor that is not base64', 'amendment:table', { articleId: 'a', content: { kind: 'delete-article' }, justification: 'x', anchor: { start: '%%%%', end: 'AAAA' } }],
    ['a paragraph number 0', 'amendment:table', { articleId: 'a', content: { kind: 'delete-paragraph', index: 0 }, justification: 'x' }],
    ['a missing amendment id', 'amendment:adopt', {}],
    ['an extra field', 'amendment:merge', { amendmentId: 'x', now: true }],
    ['a bad negotiation id', 'amendment:withdraw', { amendmentId: 'x', negotiationId: 'nope' }],
  ])('answers a malformed command (%s) with BAD_REQUEST and stores nothing', async (_name, event, payload) => {
    const before = await head();
    const ack = payload === undefined
      ? await command(sockets.cgt, event, undefined)
      : await command(sockets.cgt, event, { negotiationId, ...payload });
    expect(ack).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: 'Commande mal formée.' } });
    expect(await head()).toBe(before);
  });

  it('amendments on the same words compete; an edit of their target makes them outdated', async () => {
    const cgt = (await list('cgt')).find((a) => a.status === 'tabled')!;
    const fo = await ok('fo', 'amendment:table', {
      articleId: pauseArticle,
      content: replaceWords('vingt minutes', 'quarante-cinq minutes'),
      justification: 'Une vraie pause repas.',
    });
    expect(fo.number).toBe(2);
    const other = await ok('cfdt', 'amendment:table', {
      articleId: pauseArticle,
      content: { kind: 'insert-paragraph', text: 'La pause peut être fractionnée à la demande du salarié.' },
      justification: 'Souplesse.',
    });
    const seenByChair = await list('chair');
    expect(seenByChair.find((a) => a.id === fo.id)!.competing).toEqual([cgt.id]);
    expect(seenByChair.find((a) => a.id === cgt.id)!.competing).toEqual([fo.id]);
    expect(seenByChair.find((a) => a.id === other.id)!.competing).toEqual([]);
    expect(plain(other.formula)).toBe('L’article 3 est complété par un alinéa ainsi rédigé : « La pause peut être fractionnée à la demande du salarié. »');

    // The pen-holder rewrites the target words live.
    const text = (pen.doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const at = text.toString().indexOf('vingt minutes');
    pen.doc.transact(() => {
      text.delete(at, 'vingt minutes'.length);
      text.insert(at, 'vingt-cinq minutes');
    });
    await waitFor(async () => (await list('cfdt')).find((a) => a.id === fo.id)!.outdated, 10_000, 'the outdated flag');
    const after = await list('cfdt');
    expect(after.find((a) => a.id === cgt.id)!.outdated).toBe(true);
    // The paragraph insertion at the end still reads as it did.
    expect(after.find((a) => a.id === other.id)!.outdated).toBe(false);
    const shown = (await (await detail('cfdt', cgt.id)).json()) as AmendmentDetail;
    expect(shown.diffAgainstCurrent).toBeNull();
    expect(shown.diffBaseToCurrent.filter((d) => d.op === 'insert').map((d) => d.text).join('')).toContain('vingt-cinq');

    // Back as it was: no longer outdated.
    pen.doc.transact(() => {
      text.delete(at, 'vingt-cinq minutes'.length);
      text.insert(at, 'vingt minutes');
    });
    await waitFor(async () => !(await list('cfdt')).find((a) => a.id === fo.id)!.outdated, 10_000, 'the flag cleared');
    await ok('fo', 'amendment:withdraw', { amendmentId: fo.id });
    await ok('cfdt', 'amendment:withdraw', { amendmentId: other.id });
    expect((await list('chair')).find((a) => a.id === cgt.id)!.competing).toEqual([]);
  });

  it('discussed, adopted, then merged by the pen-holder into the live text, with a version of kind merge', async () => {
    const cgt = (await list('cgt')).find((a) => a.status === 'tabled')!;
    expect((await list('secretariat')).find((a) => a.id === cgt.id)!.actions).toEqual(['discuss']);
    await ok('secretariat', 'amendment:discuss', { amendmentId: cgt.id });
    const adopted = await ok('chair', 'amendment:adopt', { amendmentId: cgt.id });
    expect(adopted.status).toBe('adopted');
    expect((await list('axess')).find((a) => a.id === cgt.id)!.actions).toEqual(['merge']);

    // A delegate following the article live.
    const reader = connectClient(server.url, `article:${pauseArticle}`, cookies.cfdt);
    await synced(reader);
    const merged = await ok('axess', 'amendment:merge', { amendmentId: cgt.id });
    expect(merged.status).toBe('merged');
    expect(merged.merge).toMatchObject({ automatic: false, manual: false });
    const expected = PAUSE.replace('vingt minutes', 'trente minutes');
    await waitFor(() => reader.text().startsWith(expected), 10_000, 'the merge at the reader');
    await waitFor(() => pen.text().startsWith(expected), 10_000, 'the merge at the pen-holder');
    reader.destroy();

    const versions = (await (await call(server, `/negotiations/${negotiationId}/versions`, { cookie: cookies.cfdt })).json()) as VersionSummary[];
    const version = versions.find((v) => v.id === merged.merge!.versionId)!;
    expect(version.kind).toBe('merge');
    const read = (await (await call(server, `/negotiations/${negotiationId}/versions/${version.id}`, { cookie: cookies.cfdt })).json()) as VersionText;
    expect(read.articles.find((a) => a.id === pauseArticle)!.blocks[0]).toBe(expected);
    await until(() => seen.fo.some((e) => e.type === 'amendment:merged'), 'the merge event');
    const mergedEvent = seen.fo.find((e) => e.type === 'amendment:merged')!;
    expect(mergedEvent.payload).toMatchObject({ amendmentId: cgt.id, versionId: version.id });
    expect(await send('axess', 'amendment:merge', { amendmentId: cgt.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('an anchored amendment records its passage; adopted with merge, the system applies it when the target still matches', async () => {
    const editor = connectClient(server.url, `article:${restArticle}`, cookies.axess);
    await synced(editor);
    const text = (editor.doc.getXmlFragment('default').get(1) as Y.XmlElement).get(0) as Y.XmlText;
    const words = 'onze heures consécutives';
    const at = text.toString().indexOf(words);
    const position = (i: number) => Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, i))).toString('base64');
    const anchor = { start: position(at), end: position(at + words.length) };
    const tabled = await ok('cgt', 'amendment:table', {
      articleId: restArticle,
      anchor,
      content: replaceWords('onze heures', 'douze heures'),
      justification: 'Un repos plus long.',
    });
    expect(tabled.base.quote).toBe(words);
    expect(tabled.anchor).toEqual(anchor);

    // Text typed before the passage moves it, but the anchor follows.
    editor.doc.transact(() => text.insert(0, 'En toute hypothèse, '));
    await waitFor(async () => (await list('cfdt')).length > 0 && !(await list('cfdt')).find((a) => a.id === tabled.id)!.outdated, 10_000, 'stable');
    await ok('secretariat', 'amendment:discuss', { amendmentId: tabled.id });
    const done = await ok('chair', 'amendment:adopt', { amendmentId: tabled.id, merge: true });
    expect(done.status).toBe('merged');
    expect(done.merge).toMatchObject({ automatic: true });
    await waitFor(() => editor.text().includes('d’au moins douze heures consécutives'), 10_000, 'the automatic merge');
    expect(editor.text()).toContain('En toute hypothèse, Le salarié');
    editor.destroy();
  });

  it('when the target changed, adoption with merge leaves it to the pen-holder, who merges by hand', async () => {
    const editor = connectClient(server.url, `article:${restArticle}`, cookies.axess);
    await synced(editor);
    const tabled = await ok('fo', 'amendment:table', {
      articleId: restArticle,
      content: replaceWords('dix heures', 'neuf heures'),
      justification: 'Santé des salariés.',
    });
    const text = (editor.doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    editor.doc.transact(() => text.insert(text.length, ' Ces durées s’entendent hors astreinte.'));
    await waitFor(async () => (await list('fo')).find((a) => a.id === tabled.id)!.outdated, 10_000, 'outdated');
    await ok('secretariat', 'amendment:discuss', { amendmentId: tabled.id });
    const adopted = await ok('chair', 'amendment:adopt', { amendmentId: tabled.id, merge: true });
    expect(adopted.status).toBe('adopted');
    // The pen-holder's merge still applies the words (the formula says where), unless told it was done by hand.
    const manual = await ok('axess', 'amendment:merge', { amendmentId: tabled.id, manual: true });
    expect(manual).toMatchObject({ status: 'merged', merge: { manual: true } });
    expect(editor.text()).toContain('ne peut excéder dix heures');
    editor.destroy();
  });

  it('a withdrawn draft stays within its delegation; rejection and withdrawal are final', async () => {
    const draft = await ok('cfdt', 'amendment:draft', {
      articleId: restArticle,
      content: { kind: 'delete-paragraph', index: 2 },
      justification: 'Brouillon.',
    });
    expect(draft.formula).toBe('Le deuxième alinéa de l’article 6 est supprimé.');
    const revised = await ok('cfdt', 'amendment:draft', {
      amendmentId: draft.id,
      articleId: restArticle,
      content: { kind: 'delete-paragraph', index: 1 },
      justification: 'Brouillon revu.',
    });
    expect(revised).toMatchObject({ id: draft.id, justification: 'Brouillon revu.', formula: 'Le premier alinéa de l’article 6 est supprimé.' });
    expect(await send('cgt', 'amendment:draft', { amendmentId: draft.id, articleId: restArticle, content: { kind: 'delete-article' }, justification: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    await ok('cfdt', 'amendment:withdraw', { amendmentId: draft.id });
    const withdrawn = (await server.app.context.events.since(negotiationId, 0)).filter((e) => e.type === 'amendment:withdrawn').at(-1)!;
    expect(withdrawn.visibility).toEqual({ scope: 'delegation', org: ids.organisations.CFDT });
    expect((await list('cgt')).some((a) => a.id === draft.id)).toBe(false);

    const rejected = await ok('cgt', 'amendment:table', {
      articleId: restArticle,
      content: { kind: 'renumber-article', newNumber: '6 bis' },
      justification: 'Ordre.',
    });
    expect(rejected.formula).toBe('L’article 6 devient l’article 6 bis.');
    await ok('secretariat', 'amendment:discuss', { amendmentId: rejected.id });
    expect((await ok('secretariat', 'amendment:reject', { amendmentId: rejected.id })).status).toBe('rejected');
    expect(await send('cgt', 'amendment:withdraw', { amendmentId: rejected.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});
