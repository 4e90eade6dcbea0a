import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';
import mammoth from 'mammoth';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import type { NegotiationEvent } from '../../shared/events.ts';
import type { VoteView } from '../../shared/votes/vote.ts';
import { decisionsOf, parseMinutes } from '../../shared/sessions/minutes.ts';
import type { MinutesView, SessionSummary, SessionView } from '../../shared/sessions/session.ts';
import { call } from '../helpers/auth.ts';
import { useDemoTable } from '../helpers/demo-table.ts';
import { collect, join, until } from './realtime-client.ts';
import { connectClient, synced, waitFor } from './yjs-helpers.ts';
import { insertBefore, minutesFragment, minutesMarkup, richBlock } from './minutes-fragment.ts';
import { SCRIPTED_SESSION_DECISIONS, SCRIPTED_SESSION_DECLARATIONS, SCRIPTED_SESSION_ITEMS } from './sessions.fixture.ts';

const SEATS = ['secretariat', 'axess', 'cfdt', 'cgt', 'fo', 'sud', 'chair'] as const;
type Who = (typeof SEATS)[number];

describe('sessions (séances) and their minutes', () => {
  const demo = useDemoTable(SEATS);
  const { cookies, sockets, send, ok, head } = demo;

  const get = async <T>(who: Who, url: string): Promise<T> => {
    const res = await call(demo.server, url, { cookie: cookies[who] });
    expect(res.status, url).toBe(200);
    return (await res.json()) as T;
  };
  const article = (i: number) => demo.ids.articles.tempsDeTravail[i];

  const convene = (overrides: Record<string, unknown> = {}) =>
    ok<SessionView>('secretariat', 'session:convene', {
      title: 'Temps de travail – séance de décembre',
      startsAt: '2026-12-03T09:30',
      place: 'Paris, siège de la CPPNI',
      videoLink: 'https://visio.example.org/cppni',
      agenda: [
        { kind: 'free', title: 'Déclarations liminaires' },
        { kind: 'article', articleId: article(3) },
        { kind: 'vote', title: 'Principe d’un temps de pause de 20 minutes' },
        { kind: 'article', articleId: article(4) },
      ],
      ...overrides,
    });

  it('only the secretariat convenes and sets the agenda: delegates and the chair are refused, nothing is stored', async () => {
    const before = await head();
    const payload = { title: 'x', startsAt: '2026-12-10T14:00', place: 'Paris', agenda: [] };
    for (const who of ['cfdt', 'axess', 'chair'] as const) {
      const ack = await send(who, 'session:convene', payload);
      expect(ack).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      if (!ack.ok) expect(ack.error.message).toMatch(/mandat/);
    }
    expect(await head()).toBe(before);

    const session = await convene();
    // Paris in December is UTC+1: 9:30 in Paris is 8:30 UTC.
    expect(session).toMatchObject({ status: 'convened', startsAt: '2026-12-03T08:30:00.000Z', endsAt: '2026-12-03T11:30:00.000Z', currentIndex: null });
    expect(await send('cgt', 'session:update-agenda', { sessionId: session.id, agenda: [] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send('cgt', 'session:open', { sessionId: session.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send('cgt', 'session:record-attendance', { sessionId: session.id, entries: [{ org: demo.ids.organisations.CGT, status: 'present' }] })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await head()).toBe(before + 1);

    // A session needs a place or a link; an agenda names things of this negotiation.
    expect(await send('secretariat', 'session:convene', { title: 'x', startsAt: '2026-12-10T14:00' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(
      await send('secretariat', 'session:convene', { title: 'x', startsAt: '2026-12-10T14:00', place: 'Paris', agenda: [{ kind: 'article', articleId: 'nope' }] }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await head()).toBe(before + 1);

    const updated = await ok<SessionView>('secretariat', 'session:update-agenda', {
      sessionId: session.id,
      agenda: [...session.agenda, { kind: 'vote', title: 'Temps d’habillage : décompte intégral' }],
    });
    expect(updated.agenda).toHaveLength(5);

    const listed = await get<SessionSummary[]>('cfdt', `/negotiations/${demo.negotiationId}/sessions`);
    const mine = listed.find((s) => s.id === session.id);
    expect(mine).toEqual({ id: session.id, title: 'Temps de travail – séance de décembre', startsAt: '2026-12-03T08:30:00.000Z', status: 'convened' });
    expect(Object.keys(listed[0]).sort()).toEqual(['id', 'startsAt', 'status', 'title']);
    const detail = await get<SessionView>('chair', `/negotiations/${demo.negotiationId}/sessions/${session.id}`);
    expect(detail.agenda.map((i) => i.kind)).toEqual(['free', 'article', 'vote', 'article', 'vote']);
  });

  it('the secretariat takes the attendance per organisation, with the names of its delegates', async () => {
    const session = (await get<SessionSummary[]>('cfdt', `/negotiations/${demo.negotiationId}/sessions`)).find((s) => s.title.endsWith('décembre'))!;
    const o = demo.ids.organisations;
    await ok('secretariat', 'session:record-attendance', {
      sessionId: session.id,
      entries: [
        { org: o.AXESS, status: 'present', delegates: ['Claire Marchand', 'Julien Roussel'] },
        { org: o.CFDT, status: 'present', delegates: ['Nadia Benali'] },
        { org: o.CGT, status: 'present', delegates: ['Thomas Lefèvre'] },
        { org: o.FO, status: 'present', delegates: ['Isabelle Moreau'] },
        { org: o.SUD, status: 'excused' },
      ],
    });
    // A correction replaces that organisation's line only.
    const view = await ok<SessionView>('secretariat', 'session:record-attendance', {
      sessionId: session.id,
      entries: [{ org: o.SUD, status: 'present', delegates: ['Karim Haddad'] }],
    });
    expect(view.attendance.find((a) => a.shortName === 'SUD')).toEqual({ org: o.SUD, shortName: 'SUD', status: 'present', delegates: ['Karim Haddad'] });
    expect(view.attendance.find((a) => a.shortName === 'CFDT')?.delegates).toEqual(['Nadia Benali']);
    // An absent delegation has no delegates in the room; a stranger to the table is refused.
    expect(
      await send('secretariat', 'session:record-attendance', { sessionId: session.id, entries: [{ org: o.CGT, status: 'absent', delegates: ['X'] }] }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(
      await send('secretariat', 'session:record-attendance', { sessionId: session.id, entries: [{ org: 'aaaaaaaaaaaaaaaaaaaaaaaa', status: 'present' }] }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('a scripted session: the current item reaches every client live, the close takes a version and drafts exactly the decisions taken', async () => {
    const session = (await get<SessionSummary[]>('cfdt', `/negotiations/${demo.negotiationId}/sessions`)).find((s) => s.title.endsWith('décembre'))!;
    const sessionId = session.id;
    const seen: Record<'cfdt' | 'chair', NegotiationEvent[]> = { cfdt: collect(sockets.cfdt), chair: collect(sockets.chair) };
    await join(sockets.cfdt, demo.negotiationId, await head());
    await join(sockets.chair, demo.negotiationId, await head());

    const opened = await ok<SessionView>('secretariat', 'session:open', { sessionId });
    expect(opened).toMatchObject({ status: 'open', currentIndex: 0 });
    await ok('cfdt', 'position:declare', { stance: 'favorable', statement: 'La CFDT veut aboutir avant l’été ; ce texte en est la base.', item: { kind: 'text' }, sessionId, liminary: true });
    await ok('cgt', 'position:declare', { stance: 'réservé', statement: 'Pas de signature sans décompte intégral des temps d’habillage.', item: { kind: 'text' }, sessionId, liminary: true });

    const advanced = await ok<SessionView>('secretariat', 'session:advance', { sessionId });
    expect(advanced.currentIndex).toBe(1);
    for (const who of ['cfdt', 'chair'] as const) {
      await until(() => seen[who].some((e) => e.type === 'session:item-changed'), `${who} follows the current item`);
      const changed = seen[who].find((e) => e.type === 'session:item-changed')!;
      expect(changed.payload).toMatchObject({ sessionId, index: 1, item: { kind: 'article', articleId: article(3) } });
    }
    const current = await get<{ index: number; heading: string; article: { blocks: string[] } }>('sud', `/negotiations/${demo.negotiationId}/sessions/${sessionId}/current`);
    expect(current.index).toBe(1);
    expect(current.heading).toBe('Article 3 – Temps de pause');
    expect(current.article.blocks.length).toBeGreaterThan(0);
    expect(await send('cfdt', 'session:advance', { sessionId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    await ok('fo', 'position:declare', { stance: 'favorable', statement: 'FO soutient une pause de 20 minutes.', item: { kind: 'article', id: article(3) }, sessionId });
    // The CFDT tables an amendment on article 3; the commission adopts it and it is merged.
    const pauseAmendment = await ok<{ id: string }>('cfdt', 'amendment:table', {
      articleId: article(3),
      content: { kind: 'insert-paragraph', text: 'La pause est prise hors de la présence des personnes accompagnées.' },
      justification: 'Une pause effective suppose de quitter le poste.',
    });
    await ok('secretariat', 'amendment:discuss', { amendmentId: pauseAmendment.id });
    await ok('secretariat', 'amendment:adopt', { amendmentId: pauseAmendment.id, merge: true });
    await ok('secretariat', 'session:advance', { sessionId });
    const pause = await ok<VoteView>('secretariat', 'vote:open', { item: { kind: 'article', id: article(3) }, rule: 'double-majority', title: 'Principe d’un temps de pause de 20 minutes', sessionId });
    for (const [who, choice] of [['axess', 'pour'], ['cfdt', 'pour'], ['fo', 'pour'], ['cgt', 'contre'], ['sud', 'abstention']] as const) {
      await ok(who, 'vote:cast', { voteId: pause.id, choice });
    }
    const tally = await get<{ vote: VoteView }>('chair', `/negotiations/${demo.negotiationId}/sessions/${sessionId}/current`);
    expect(tally.vote.id).toBe(pause.id);
    expect(tally.vote.ballots).toHaveLength(5);
    await ok('secretariat', 'vote:close', { voteId: pause.id });
    const status = await call(demo.server, `/negotiations/${demo.negotiationId}/articles/${article(3)}/status`, { method: 'PUT', body: { status: 'agreed ad referendum' }, cookie: cookies.secretariat });
    expect(status.status).toBe(200);

    await ok('secretariat', 'session:goto', { sessionId, index: 4 });
    const habillage = await ok<VoteView>('secretariat', 'vote:open', { item: { kind: 'article', id: article(4) }, rule: 'consensus', title: 'Temps d’habillage : décompte intégral', sessionId });
    await ok('cgt', 'vote:cast', { voteId: habillage.id, choice: 'pour' });
    await ok('axess', 'vote:cast', { voteId: habillage.id, choice: 'contre' });
    await ok('secretariat', 'vote:close', { voteId: habillage.id });
    await ok('secretariat', 'session:goto', { sessionId, index: 3 });
    // The CGT's amendment on article 4 is rejected.
    const habillageAmendment = await ok<{ id: string }>('cgt', 'amendment:table', {
      articleId: article(4),
      content: { kind: 'insert-paragraph', text: 'Le temps d’habillage est intégralement décompté comme temps de travail effectif.' },
      justification: 'Le temps d’habillage est imposé par l’employeur.',
    });
    await ok('secretariat', 'amendment:discuss', { amendmentId: habillageAmendment.id });
    await ok('secretariat', 'amendment:reject', { amendmentId: habillageAmendment.id });
    await call(demo.server, `/negotiations/${demo.negotiationId}/articles/${article(4)}/status`, { method: 'PUT', body: { status: 'bracketed' }, cookie: cookies.secretariat });
    expect(await send('secretariat', 'session:goto', { sessionId, index: 9 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const closed = await ok<SessionView>('secretariat', 'session:close', { sessionId });
    expect(closed).toMatchObject({ status: 'closed', currentIndex: null, minutes: { status: 'draft' } });
    const versions = await get<{ id: string; kind: string; name: string }[]>('cfdt', `/negotiations/${demo.negotiationId}/versions`);
    expect(versions.find((v) => v.id === closed.versionId)).toMatchObject({ kind: 'session', name: 'Fin de séance du jeudi 3 décembre 2026' });
    await until(() => seen.chair.some((e) => e.type === 'session:closed'), 'the close broadcast');
    expect(seen.chair.filter((e) => e.type === 'session:item-changed').map((e) => (e.payload as { index: number }).index)).toEqual([1, 2, 4, 3]);

    const minutes = await get<MinutesView>('cgt', `/negotiations/${demo.negotiationId}/sessions/${sessionId}/minutes`);
    expect(minutes).toMatchObject({ status: 'draft', editable: false, docName: `minutes:${sessionId}` });
    if (process.env.PRINT_MINUTES) process.stdout.write(`${JSON.stringify(decisionsOf(minutes.text), null, 2)}\n${minutes.text}\n`);
    // Compared with ordinary spaces: the amendments' formulas use French no-break spaces.
    const plain = (lines: string[]) => lines.map((l) => l.replace(/[\u00a0\u202f]/g, ' '));
    expect(plain(decisionsOf(minutes.text))).toEqual(plain(SCRIPTED_SESSION_DECISIONS));
    const declarations = parseMinutes(minutes.text).filter((b) => b.kind === 'item').map((b) => (b as { text: string }).text);
    expect(declarations).toEqual(SCRIPTED_SESSION_DECLARATIONS);
    // Every agenda item, in the agenda's order, with what was decided while it was the current one.
    const lines = minutes.text.split('\n');
    const from = lines.indexOf('## Points de l’ordre du jour');
    expect(from).toBeGreaterThan(0);
    expect(lines.slice(from + 1, from + 1 + SCRIPTED_SESSION_ITEMS.length)).toEqual(SCRIPTED_SESSION_ITEMS);
    expect(minutes.text).toContain('Séance du jeudi 3 décembre 2026');
    expect(minutes.text).toContain('| SUD | présente | Karim Haddad |');
    expect(minutes.text).toContain('| CFE-CGC | non renseignée | — |');
  });

  it('the attendance is one record: a correction after the close reaches the draft, the minutes and the projector; the presidency and the observers are listed', async () => {
    const session = (await get<SessionSummary[]>('cfdt', `/negotiations/${demo.negotiationId}/sessions`)).find((s) => s.title.endsWith('décembre'))!;
    const o = demo.ids.organisations;
    const minutesUrl = `/negotiations/${demo.negotiationId}/sessions/${session.id}/minutes`;
    const editor = connectClient(demo.server.url, `minutes:${session.id}`, cookies.secretariat);
    try {
      await synced(editor);
      // The secretariat's remark in the draft, before the correction: it must survive it.
      insertBefore(editor.doc, 'Décisions', [richBlock('paragraph', ['Remarque placée avant les décisions.'])]);
      await waitFor(async () => (await get<MinutesView>('fo', minutesUrl)).text.includes('Remarque placée avant'), 10_000, 'the remark is stored');

      // FO noted as excused after the close: every reader says so.
      await ok('secretariat', 'session:record-attendance', { sessionId: session.id, entries: [{ org: o.FO, status: 'excused' }] });
      expect((await get<MinutesView>('fo', minutesUrl)).text).toContain('| FO | excusée | — |');
      await waitFor(() => minutesMarkup(editor.doc).includes('| FO | excusée | — |'), 10_000, 'the open draft shows the correction');

      // Corrected again: FO was there; the presidency and an observer are named.
      const view = await ok<SessionView>('secretariat', 'session:record-attendance', {
        sessionId: session.id,
        entries: [
          { org: o.FO, status: 'present', delegates: ['Isabelle Moreau'] },
          { org: o.CMP, status: 'present', delegates: ['Michel Fournier'] },
        ],
        observers: ['Anne Leroy (DGT)'],
      });
      expect(view.observers).toEqual(['Anne Leroy (DGT)']);
      const minutes = await get<MinutesView>('fo', minutesUrl);
      expect(minutes.text).toContain('| FO | présente | Isabelle Moreau |');
      expect(minutes.text).not.toContain('excusée');
      expect(minutes.text).toContain('| CMP (présidence) | présente | Michel Fournier |');
      expect(minutes.text).toContain('Observateurs : Anne Leroy (DGT).');
      const room = await get<{ attendance: { shortName: string; presidency: boolean; status: string | null; delegates: string[] }[]; observers: string[] }>(
        'sud',
        `/negotiations/${demo.negotiationId}/sessions/${session.id}/current`,
      );
      expect(room.attendance.find((l) => l.shortName === 'FO')).toMatchObject({ status: 'present', delegates: ['Isabelle Moreau'], presidency: false });
      expect(room.attendance.find((l) => l.shortName === 'CMP')).toMatchObject({ status: 'present', delegates: ['Michel Fournier'], presidency: true });
      expect(room.observers).toEqual(['Anne Leroy (DGT)']);
      expect(minutes.text).toContain('Remarque placée avant les décisions.');
      await waitFor(() => minutesMarkup(editor.doc).includes('| FO | présente | Isabelle Moreau |'), 10_000, 'the open draft follows');
      expect(minutesMarkup(editor.doc)).toContain('Remarque placée avant les décisions.');
      // The section's table is the record's, not the editor's: a change to it does not reach the
      // minutes. A remark written under it is the secretariat's, and is kept.
      const fragment = minutesFragment(editor.doc);
      const table = fragment.toArray().findIndex((n) => n instanceof Y.XmlElement && n.nodeName === 'table');
      const tampered = new Y.XmlElement('table');
      const row = new Y.XmlElement('tableRow');
      row.insert(0, ['FO', 'absente', '—'].map((text) => {
        const cell = new Y.XmlElement('tableCell');
        cell.insert(0, [richBlock('paragraph', [text])]);
        return cell;
      }));
      tampered.insert(0, [row]);
      editor.doc.transact(() => {
        fragment.delete(table, 1);
        fragment.insert(table, [tampered]);
        fragment.insert(table + 1, [richBlock('paragraph', ['La CGT rejoint la séance à 15 h.'])]);
        insertBefore(editor.doc, 'Décisions', [richBlock('paragraph', ['Marque de la même modification.'])]);
      });
      await waitFor(async () => (await get<MinutesView>('cgt', minutesUrl)).text.includes('Marque de la même modification.'), 10_000, 'the edit is stored');
      const stored = (await get<MinutesView>('cgt', minutesUrl)).text;
      expect(stored).not.toContain('absente');
      expect(stored).toContain('| FO | présente | Isabelle Moreau |');
      expect(stored).toContain('La CGT rejoint la séance à 15 h.');
    } finally {
      editor.destroy();
    }

    // Observers only, and a party listed twice.
    expect(await send('secretariat', 'session:record-attendance', { sessionId: session.id })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(
      await send('secretariat', 'session:record-attendance', {
        sessionId: session.id,
        entries: [
          { org: o.SUD, status: 'present' },
          { org: o.SUD, status: 'absent' },
        ],
      }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await send('cfdt', 'session:record-attendance', { sessionId: session.id, observers: ['X'] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('the minutes are edited by the secretariat only, then approval freezes them', async () => {
    const session = (await get<SessionSummary[]>('cfdt', `/negotiations/${demo.negotiationId}/sessions`)).find((s) => s.title.endsWith('décembre'))!;
    const docName = `minutes:${session.id}`;
    const secretariat = connectClient(demo.server.url, docName, cookies.secretariat);
    const delegate = connectClient(demo.server.url, docName, cookies.cgt);
    try {
      await synced(secretariat);
      await synced(delegate);
      expect(minutesMarkup(secretariat.doc)).toContain('## Décisions');
      minutesFragment(secretariat.doc).push([richBlock('paragraph', ['Remarque du secrétariat.'])]);
      await waitFor(() => minutesMarkup(delegate.doc).includes('Remarque du secrétariat.'), 10_000, 'the edit reaches the delegate');
      // A delegate's edit is dropped by the server: it never reaches anyone.
      minutesFragment(delegate.doc).insert(0, [richBlock('paragraph', ['PIRATAGE'])]);
      await new Promise((r) => setTimeout(r, 300));
      expect(minutesMarkup(secretariat.doc)).not.toContain('PIRATAGE');
    } finally {
      secretariat.destroy();
      delegate.destroy();
    }

    expect(await send('cgt', 'minutes:approve', { sessionId: session.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await ok('secretariat', 'minutes:circulate', { sessionId: session.id });
    // A secretariat's editor still open at approval: its later edit must not land.
    const open = connectClient(demo.server.url, docName, cookies.secretariat);
    await synced(open);
    const approved = await ok<MinutesView>('secretariat', 'minutes:approve', { sessionId: session.id });
    minutesFragment(open.doc).insert(0, [richBlock('paragraph', ['APRÈS APPROBATION'])]);
    await new Promise((r) => setTimeout(r, 500));
    const reader = connectClient(demo.server.url, docName, cookies.fo);
    try {
      await synced(reader);
      expect(minutesMarkup(reader.doc)).not.toContain('APRÈS APPROBATION');
    } finally {
      reader.destroy();
      open.destroy();
    }
    expect(approved).toMatchObject({ status: 'approved', editable: false, approvedBy: 'Julien Roussel' });
    expect(approved.text).toContain('Remarque du secrétariat.');
    expect(approved.text).not.toContain('PIRATAGE');

    // Frozen: no redraft, no second approval, no attendance change, and the document is read-only for all.
    const before = await head();
    for (const event of ['minutes:draft', 'minutes:approve', 'minutes:circulate']) {
      expect(await send('secretariat', event, { sessionId: session.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    }
    expect(
      await send('secretariat', 'session:record-attendance', { sessionId: session.id, entries: [{ org: demo.ids.organisations.SUD, status: 'absent' }] }),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await head()).toBe(before);
    const late = connectClient(demo.server.url, docName, cookies.secretariat, new Y.Doc());
    try {
      await synced(late);
      minutesFragment(late.doc).insert(0, [richBlock('paragraph', ['MODIFICATION TARDIVE'])]);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      late.destroy();
    }
    const after = await get<MinutesView>('fo', `/negotiations/${demo.negotiationId}/sessions/${session.id}/minutes`);
    expect(after.text).toBe(approved.text);

    // The exports: a PDF laid out as minutes, and a DOCX with the same decisions.
    const pdf = await call(demo.server, `/negotiations/${demo.negotiationId}/sessions/${session.id}/minutes.pdf`, { cookie: cookies.cfdt });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minutes-'));
    fs.writeFileSync(path.join(dir, 'minutes.pdf'), bytes);
    const pdfText = execFileSync('pdftotext', ['-layout', path.join(dir, 'minutes.pdf'), '-'], { encoding: 'utf8' });
    expect(pdfText).toContain('Relevé de décisions');
    expect(pdfText).toMatch(/Approuvé le/);
    expect(pdfText).toMatch(/1\.\s+La délégation CFDT dépose l’amendement/);
    expect(pdfText).toMatch(/4\.\s+Vote indicatif/);
    expect(pdfText).toContain('2. Article 3 – Temps de pause');
    expect(pdfText).toMatch(/Décision n° 6 : vote « Temps d’habillage : décompte intégral » non adopté\./);
    expect(pdfText).toMatch(/CGT \(35,18\s%\)/);
    expect(pdfText).toMatch(/FO\s+présente\s+Isabelle Moreau/);
    expect(pdfText).toMatch(/CMP \(présidence\)\s+présente\s+Michel Fournier/);
    expect(pdfText).toContain('Observateurs : Anne Leroy (DGT).');
    if (process.env.SCREENSHOTS_DIR) fs.copyFileSync(path.join(dir, 'minutes.pdf'), path.join(process.env.SCREENSHOTS_DIR, 'minutes.pdf'));

    const docx = await call(demo.server, `/negotiations/${demo.negotiationId}/sessions/${session.id}/minutes.docx`, { cookie: cookies.cfdt });
    expect(docx.status).toBe(200);
    const { value } = await mammoth.extractRawText({ buffer: Buffer.from(await docx.arrayBuffer()) });
    expect(value).toMatch(/CMP \(présidence\)\s+présente\s+Michel Fournier/);
    expect(value).toMatch(/FO\s+présente\s+Isabelle Moreau/);
    for (const decision of SCRIPTED_SESSION_DECISIONS.slice(0, 2)) expect(value.replace(/\u00a0|\u202f/g, ' ')).toContain(decision.replace(/\u00a0|\u202f/g, ' '));
  });

  it('the chair or the secretariat reorders the agenda live, the current item stays current; a vote item opens and links its vote, which the minutes name', async () => {
    const session = await convene({
      title: 'Séance de janvier',
      startsAt: '2027-01-14T09:30',
      agenda: [
        { kind: 'free', title: 'Questions diverses' },
        { kind: 'article', articleId: article(4) },
        { kind: 'vote', title: 'Vote sur l’habillage' },
      ],
    });
    const sessionId = session.id;
    await ok('secretariat', 'session:open', { sessionId });
    await ok('secretariat', 'session:goto', { sessionId, index: 1 });
    const seen = collect(sockets.cfdt);
    await join(sockets.cfdt, demo.negotiationId, await head());

    // Delegates may not; the presidency may; the item under discussion stays the current one.
    const before = await head();
    expect(await send('cfdt', 'session:move-item', { sessionId, from: 0, to: 2 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send('chair', 'session:move-item', { sessionId, from: 0, to: 3 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await head()).toBe(before);
    const moved = await ok<SessionView>('chair', 'session:move-item', { sessionId, from: 0, to: 2 });
    expect(moved.agenda.map((i) => i.kind)).toEqual(['article', 'vote', 'free']);
    expect(moved.currentIndex).toBe(0);
    await until(() => seen.some((e) => e.type === 'session:agenda-updated'), 'the new order reaches the delegates live');
    expect((seen.find((e) => e.type === 'session:agenda-updated')!.payload as { agenda: { kind: string }[] }).agenda.map((i) => i.kind)).toEqual(['article', 'vote', 'free']);
    const current = await get<{ index: number; heading: string }>('cfdt', `/negotiations/${demo.negotiationId}/sessions/${sessionId}/current`);
    expect(current).toMatchObject({ index: 0, heading: 'Article 4 – Temps d’habillage et de déshabillage' });

    // The vote item opens its vote and is linked to it; only a vote item links, only to a vote of this negotiation.
    await ok('secretariat', 'session:advance', { sessionId });
    const vote = await ok<VoteView>('secretariat', 'vote:open', { item: { kind: 'question', text: 'Vote sur l’habillage' }, rule: 'union-weighted', title: 'Habillage : décompte intégral', sessionId });
    expect(await send('chair', 'session:link-vote', { sessionId, index: 1, voteId: vote.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send('secretariat', 'session:link-vote', { sessionId, index: 0, voteId: vote.id })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await send('secretariat', 'session:link-vote', { sessionId, index: 1, voteId: 'aaaaaaaaaaaaaaaaaaaaaaaa' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const linked = await ok<SessionView>('secretariat', 'session:link-vote', { sessionId, index: 1, voteId: vote.id });
    expect(linked.agenda[1]).toMatchObject({ kind: 'vote', voteId: vote.id });
    for (const [who, choice] of [['cfdt', 'pour'], ['cgt', 'pour'], ['fo', 'contre']] as const) await ok(who, 'vote:cast', { voteId: vote.id, choice });
    const tally = await get<{ vote: VoteView }>('sud', `/negotiations/${demo.negotiationId}/sessions/${sessionId}/current`);
    expect(tally.vote.id).toBe(vote.id);
    await ok('secretariat', 'vote:close', { voteId: vote.id });
    await ok('secretariat', 'session:close', { sessionId });
    expect(await send('chair', 'session:move-item', { sessionId, from: 0, to: 1 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const minutes = await get<MinutesView>('cfdt', `/negotiations/${demo.negotiationId}/sessions/${sessionId}/minutes`);
    const text = minutes.text.replace(/\u00a0/g, ' ');
    expect(text).toContain('### 1. Article 4 – Temps d’habillage et de déshabillage\nExaminé, sans décision.');
    expect(text).toContain(
      '### 2. Vote sur l’habillage (vote « Habillage : décompte intégral »)\nDécision n° 1 : vote « Habillage : décompte intégral » adopté.',
    );
    expect(text).toContain('### 3. Questions diverses\nPoint non abordé.');
    expect(decisionsOf(text)[0]).toBe(
      'Vote indicatif « Habillage : décompte intégral », à la majorité pondérée du collège salarié : adopté. Pour : CFDT (38,50 %), CGT (35,18 %) ; Contre : FO (14,69 %) ; Sans bulletin : AXESS (100,00 %), SUD (11,63 %), CFE-CGC (0,00 %), CFTC (0,00 %).',
    );
  });

  it('Paris wall-clock times become UTC instants across summer time', async () => {
    const summer = await convene({ title: 'Séance d’été', startsAt: '2027-06-10T09:30', agenda: [] });
    expect(summer.startsAt).toBe('2027-06-10T07:30:00.000Z');
    // The day the clocks go forward: 03:30 exists, in summer time.
    const spring = await convene({ title: 'Séance de printemps', startsAt: '2027-03-28T03:30', agenda: [] });
    expect(spring.startsAt).toBe('2027-03-28T01:30:00.000Z');
    // An instant with an offset is taken as given.
    const explicit = await convene({ title: 'Séance explicite', startsAt: '2027-01-12T14:00:00+01:00', agenda: [] });
    expect(explicit.startsAt).toBe('2027-01-12T13:00:00.000Z');
    const res = await call(demo.server, `/negotiations/${demo.negotiationId}/sessions/${summer.id}/session.ics`, { cookie: cookies.fo });
    expect(await res.text()).toContain('DTSTART;TZID=Europe/Paris:20270610T093000');
  });

  it('an amendment item is headed by the amendment’s number on the projector, word for word as on the calendar', async () => {
    const tabled = await ok<{ id: string; number: number }>('cgt', 'amendment:table', {
      articleId: article(4),
      content: { kind: 'insert-paragraph', text: 'Le temps d’habillage est décompté intégralement.' },
      justification: 'L’habillage est imposé par l’employeur.',
    });
    const label = `Amendement n° ${tabled.number} (CGT) – article 4 – Temps d’habillage et de déshabillage`;
    const session = await convene({ title: 'Séance de février', startsAt: '2027-02-11T09:30', agenda: [{ kind: 'amendment', amendmentId: tabled.id }] });
    const seen = collect(sockets.fo);
    await join(sockets.fo, demo.negotiationId, await head());
    await ok('secretariat', 'session:open', { sessionId: session.id });

    const current = await get<{ heading: string }>('fo', `/negotiations/${demo.negotiationId}/sessions/${session.id}/current`);
    expect(current.heading).toBe(label);
    const res = await call(demo.server, `/negotiations/${demo.negotiationId}/calendar.ics`, { cookie: cookies.fo });
    expect((await res.text()).replace(/\r\n /g, '')).toContain(label);
    // What a page follows live carries the same heading.
    await until(() => seen.some((e) => e.type === 'session:opened'), 'the opening reaches the delegates');
    const opened = seen.find((e) => e.type === 'session:opened') as NegotiationEvent<'session:opened'>;
    expect(opened.payload.current?.heading).toBe(label);
    await ok('secretariat', 'session:close', { sessionId: session.id });
  });

  it('the .ics of a session and of the negotiation parse with ical.js, in Paris time, folded at 75 octets', async () => {
    const sessions = await get<SessionSummary[]>('fo', `/negotiations/${demo.negotiationId}/sessions`);
    const december = sessions.find((s) => s.title.endsWith('décembre'))!;
    const res = await call(demo.server, `/negotiations/${demo.negotiationId}/sessions/${december.id}/session.ics`, { cookie: cookies.fo });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    const raw = await res.text();
    expect(raw.endsWith('\r\n')).toBe(true);
    for (const line of raw.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(raw.replace(/\r\n/g, '').includes('\n')).toBe(false);

    const calendar = new ICAL.Component(ICAL.parse(raw));
    const timezone = calendar.getFirstSubcomponent('vtimezone')!;
    ICAL.TimezoneService.register(timezone);
    const vevent = calendar.getFirstSubcomponent('vevent')!;
    const event = new ICAL.Event(vevent);
    expect(event.uid).toBe(`session-${december.id}@negociation.local`);
    // Folded in the middle of multi-byte characters' neighbourhood, unfolded intact.
    expect(event.summary).toBe('Temps de travail – séance de décembre – Accord relatif au temps de travail dans la CCUE');
    expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Paris');
    expect(event.startDate.zone?.tzid).toBe('Europe/Paris');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-03T08:30:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-12-03T11:30:00.000Z');
    expect(event.location).toBe('Paris, siège de la CPPNI');
    expect(event.description).toContain('Ordre du jour :\n1. Déclarations liminaires');
    // Each item named in full, never « 2. Article » (issue 16).
    expect(event.description).toContain('2. Article 3 – Temps de pause\n3. Principe d’un temps de pause de 20 minutes\n4. Article 4 – Temps d’habillage et de déshabillage');
    expect(vevent.getFirstPropertyValue('dtstamp')).toBeTruthy();

    const whole = await call(demo.server, `/negotiations/${demo.negotiationId}/calendar.ics`, { cookie: cookies.cgt });
    const all = new ICAL.Component(ICAL.parse(await whole.text()));
    const events = all.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.filter((e) => e.uid.startsWith('session-'))).toHaveLength(sessions.length);
    const deadlines = events.filter((e) => e.uid.startsWith('deadline-'));
    expect(deadlines.map((e) => e.startDate.toString())).toEqual(['2027-01-15', '2027-03-31', '2027-04-15']);
    expect(deadlines[0].summary).toMatch(/^Échéance : Remise du projet employeur consolidé/);
  });

  it('the demo: the 26 September 2023 session with approved minutes; the live negotiation has a past and an upcoming session', async () => {
    const cppni = await get<SessionSummary[]>('cfdt', `/negotiations/${demo.ids.negotiations.cppni}/sessions`);
    expect(cppni).toHaveLength(1);
    expect(cppni[0]).toMatchObject({ startsAt: '2023-09-26T07:30:00.000Z', status: 'closed' });
    const detail = await get<SessionView>('cfdt', `/negotiations/${demo.ids.negotiations.cppni}/sessions/${cppni[0].id}`);
    expect(detail.attendance.filter((a) => a.status === 'present')).toHaveLength(7);
    const minutes = await get<MinutesView>('sud', `/negotiations/${demo.ids.negotiations.cppni}/sessions/${cppni[0].id}/minutes`);
    expect(minutes.status).toBe('approved');
    expect(minutes.text).toContain('Déclaration liminaire de la délégation SUD');
    expect(decisionsOf(minutes.text)).toEqual(['L’avenant n° 1 à l’accord CPPNI est ouvert à la signature des organisations représentatives à l’issue de la séance.']);

    const live = await get<SessionSummary[]>('cfdt', `/negotiations/${demo.ids.negotiations.tempsDeTravail}/sessions`);
    const now = new Date().toISOString();
    expect(live.filter((s) => s.status === 'closed' && s.startsAt < now).length).toBeGreaterThanOrEqual(1);
    const upcoming = live.find((s) => s.status === 'convened' && s.startsAt > now && s.title.includes('deuxième'))!;
    const next = await get<SessionView>('cfdt', `/negotiations/${demo.ids.negotiations.tempsDeTravail}/sessions/${upcoming.id}`);
    expect(next.agenda.length).toBeGreaterThanOrEqual(3);
    const past = live.find((s) => s.title.includes('première'))!;
    const pastMinutes = await get<MinutesView>('cfdt', `/negotiations/${demo.ids.negotiations.tempsDeTravail}/sessions/${past.id}/minutes`);
    expect(pastMinutes.status).toBe('circulated');
    expect(pastMinutes.text).toContain('deuxième séance');
    expect(decisionsOf(pastMinutes.text).map((d) => d.replace(/\u00a0/g, ' '))).toEqual([
      'Vote indicatif « Définition du temps de travail effectif (article 2) », à la double majorité (majorité pondérée dans chaque collège) : adopté. Pour : AXESS (100,00 %), CFDT (38,50 %), FO (14,69 %) ; Contre : CGT (35,18 %) ; Sans bulletin : SUD (11,63 %), CFE-CGC (0,00 %), CFTC (0,00 %).',
    ]);
    expect(pastMinutes.text).toContain('### 2. Article 2 – Définition du temps de travail effectif\nDécision n° 1 : vote « Définition du temps de travail effectif (article 2) » adopté.');
    expect(pastMinutes.text).toContain('### 3. Article 3 – Temps de pause\nExaminé, sans décision.');
  });
});
