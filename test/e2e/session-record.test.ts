import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { MinutesView, SessionView } from '../../shared/sessions/session.ts';
import type { TestServer } from '../helpers/server.ts';
import { call } from '../helpers/auth.ts';
import { screenshot, signIn } from '../helpers/browser.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';
import { participants } from '../helpers/participants.ts';
import type { DemoIds } from '../helpers/seed.ts';

/**
 * One session, one record: what happened is listed once (FACTS), and every place that tells
 * it — the minutes' draft, the approved minutes, their PDF and DOCX, the session page and the
 * projector — is read back by its own reader and must say exactly that.
 */

type Presence = 'présente' | 'excusée' | 'absente';
interface Record {
  /** Each party at the table (the presidency by its short name) and its presence, in the order listed. */
  attendance: { [org: string]: Presence };
  /** The agenda's items, in order. */
  items: string[];
  /** Who had the floor, item by item. */
  speakers: string[][];
  vote: { title: string; outcome: 'adopté' | 'non adopté'; pour: string[]; contre: string[]; abstention: string[] };
  amendment: { number: number; org: string; outcome: 'adopté' | 'rejeté' };
}

const VOTE_TITLE = 'Vote indicatif sur la pause';
const FACTS: Record = {
  // In the negotiation's order (shared/parties.ts): employers, unions heaviest first then by name, the presidency.
  attendance: { AXESS: 'présente', CFDT: 'présente', CGT: 'présente', FO: 'excusée', SUD: 'présente', 'CFE-CGC': 'absente', CFTC: 'absente', CMP: 'présente' },
  items: ['Déclarations liminaires', 'Amendement n° 1 (CFDT) – article 3', VOTE_TITLE],
  speakers: [['CGT', 'CFDT (Marie Dupont)'], ['SUD'], []],
  vote: { title: VOTE_TITLE, outcome: 'adopté', pour: ['AXESS', 'CFDT', 'SUD'], contre: [], abstention: ['CGT'] },
  amendment: { number: 1, org: 'CFDT', outcome: 'adopté' },
};

const SEATS = ['secretariat', 'axess', 'cfdt', 'cgt', 'sud', 'chair'] as const;

/** A record whose parties are compared in their order too (toEqual ignores the order of an object's keys). */
const inOrder = (record: Record) => ({ ...record, attendance: Object.entries(record.attendance) });

const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
const list = (text: string | undefined) => (text ? text.split(', ').map((s) => s.trim()).filter(Boolean) : []);

/**
 * Reads a text of the minutes, whatever carried it (the markup, pdftotext, mammoth, the page):
 * one line per block, table cells separated by « | ».
 */
function readMinutes(text: string): Record {
  const lines = plain(text)
    .split('\n')
    .map((l) => l.trim().replace(/^#+\s*/, '').replace(/^\|\s*|\s*\|$/g, ''))
    .filter(Boolean);
  const attendance: Record['attendance'] = {};
  for (const line of lines) {
    const m = /^([A-Z][A-Za-z-]*)(?: \(présidence\))? \| (présente|excusée|absente|non renseignée)\b/i.exec(line);
    if (m) attendance[m[1]] = m[2].toLowerCase() as Presence;
  }
  // The PDF sets its section headings in capitals.
  const section = (name: string, after = 0) => lines.findIndex((l, i) => i > after && l.toLowerCase() === name);
  const from = section('points de l’ordre du jour');
  const to = section('décisions', from);
  const items: string[] = [];
  const speakers: string[][] = [];
  let body: string[] = [];
  const endItem = () => {
    if (items.length > speakers.length) speakers.push(list(/Ont pris la parole : (.+?)\.(?: |$)/.exec(body.join(' '))?.[1]));
    body = [];
  };
  for (const line of lines.slice(from + 1, to)) {
    const heading = /^(\d+)\. (.+)$/.exec(line);
    if (heading && Number(heading[1]) === items.length + 1) {
      endItem();
      items.push(heading[2]);
    } else body.push(line);
  }
  endItem();
  const decisions = lines.slice(to + 1, section('prochaine séance', to)).join(' ');
  const voted = new RegExp(`${VOTE_TITLE}, [^:]+ : (adopté|non adopté)\\. (.+?)\\.(?= \\d+\\. |$)`).exec(decisions);
  const ballots = Object.fromEntries((voted?.[2] ?? '').split(' ; ').map((part) => part.split(' : ')));
  const decided = /La commission (adopte|rejette) l’amendement n° (\d+) \(([^)]+)\)/.exec(decisions);
  return {
    attendance,
    items,
    speakers,
    vote: { title: VOTE_TITLE, outcome: voted?.[1] as 'adopté', pour: list(ballots.Pour), contre: list(ballots.Contre), abstention: list(ballots.Abstention) },
    amendment: { number: Number(decided?.[2]), org: decided?.[3] ?? '', outcome: decided?.[1] === 'adopte' ? 'adopté' : 'rejeté' },
  };
}

/** What the current item shows (the projector's body, the session page's preview). */
async function readCurrentItem(page: Page): Promise<{ heading: string; speakers: string[]; tally: { [choice: string]: string[] }; state: string }> {
  const item = page.getByTestId('current-item');
  const speakers = (await item.locator('[data-testid="current-speakers"] li').allInnerTexts()).map((s) =>
    s.replace(/\s*\(a parlé\)$/, '').replace(/^(\S+) — (.+)$/, '$1 ($2)'),
  );
  const tally: { [choice: string]: string[] } = {};
  for (const row of await item.locator('.tally tr').all()) {
    const [choice, , orgs] = await row.locator('th, td').allInnerTexts();
    tally[choice.toLowerCase()] = list(orgs);
  }
  const state = (await item.locator('.vote-state, [data-testid="amendment-outcome"]').allInnerTexts()).join(' ').trim().toLowerCase();
  return { heading: (await item.getByTestId('current-heading').innerText()).trim(), speakers, tally, state };
}

describe('one session, one record', () => {
  const demo = useDemoBrowser();
  let server: TestServer;
  let browser: Browser;
  let ids: DemoIds;
  let negotiationId: string;
  const people = participants(SEATS);
  const { cookies, ok } = people;

  beforeAll(async () => {
    ({ server, browser, ids } = demo);
    negotiationId = ids.negotiations.tempsDeTravail;
    await people.signIn(server, negotiationId);
  });
  afterAll(() => people.disconnect());

  it('the minutes draft, the approved minutes, their PDF and DOCX, the session page and the projector state the same facts', async () => {
    const o = ids.organisations;
    // Before the session: the CFDT tables the amendment the second item is about.
    const amendment = await ok<{ id: string }>('cfdt', 'amendment:table', {
      articleId: ids.articles.tempsDeTravail[3],
      content: { kind: 'insert-paragraph', text: 'La pause est prise hors de la présence des personnes accompagnées.' },
      justification: 'Une pause effective suppose de quitter le poste.',
    });
    const session = await ok<SessionView>('secretariat', 'session:convene', {
      title: 'Séance du relevé unique',
      startsAt: '2026-12-17T14:00',
      place: 'Paris, salle du conseil',
      agenda: [
        { kind: 'free', title: FACTS.items[0], text: 'Chaque délégation s’exprime.' },
        { kind: 'amendment', amendmentId: amendment.id, title: FACTS.items[1] },
        { kind: 'vote', title: FACTS.items[2] },
      ],
    });
    const sessionId = session.id;
    const byName: { [shortName: string]: string } = { ...o };
    await ok('secretariat', 'session:record-attendance', {
      sessionId,
      // Recorded in the reverse of the order every place must list them in.
      entries: Object.entries(FACTS.attendance).reverse().map(([org, presence]) => ({
        org: byName[org],
        status: { présente: 'present', excusée: 'excused', absente: 'absent' }[presence],
        delegates: presence === 'présente' ? [`Délégué ${org}`] : [],
      })),
    });

    const options = { viewport: { width: 1440, height: 900 }, locale: 'fr-FR' };
    const wall = await signIn(await browser.newContext({ ...options, viewport: { width: 1600, height: 900 } }), server.url, 'delegue@cfdt.demo', `/negotiations/${negotiationId}/projector`);
    const sessionPage = await signIn(await browser.newContext(options), server.url, 'delegue@cgt.demo', `/negotiations/${negotiationId}/sessions/${sessionId}`);
    const pages = { projector: wall, 'session page': sessionPage };
    const live = { projector: { items: [] as string[], speakers: [] as string[][] }, 'session page': { items: [] as string[], speakers: [] as string[][] } };
    const tallies: { [medium: string]: { [choice: string]: string[] } } = {};
    const outcomes: { [medium: string]: string } = {};

    /** Each live view once it shows item `index` and its `spoken` speakers: what it says of the item. */
    const readItem = async (index: number, spoken: number) => {
      for (const [medium, page] of Object.entries(pages) as [keyof typeof pages, Page][]) {
        await page.getByText(`Point ${index + 1} sur 3`).waitFor({ timeout: 15_000 });
        await page.waitForFunction((n) => document.querySelectorAll('[data-testid="current-item"] [data-testid="current-speakers"] li.spoke').length === n, spoken, { timeout: 15_000 });
        const seen = await readCurrentItem(page);
        live[medium].items.push(seen.heading);
        live[medium].speakers.push(seen.speakers);
      }
    };
    const speak = async (index: number, org: string, name?: string) => {
      const view = await ok<SessionView>('chair', 'session:speaker-add', { sessionId, index, org: byName[org], ...(name ? { name } : {}) });
      await ok('chair', 'session:speaker-spoke', { sessionId, index, speakerId: view.speakers[index].at(-1)!.id });
    };

    await ok('secretariat', 'session:open', { sessionId });
    await speak(0, 'CGT');
    await speak(0, 'CFDT', 'Marie Dupont');
    await readItem(0, 2);

    await ok('secretariat', 'session:advance', { sessionId });
    await speak(1, 'SUD');
    await ok('secretariat', 'amendment:discuss', { amendmentId: amendment.id });
    await ok('secretariat', 'amendment:adopt', { amendmentId: amendment.id, merge: false });
    await readItem(1, 1);
    for (const [medium, page] of Object.entries(pages)) {
      await page.getByTestId('amendment-outcome').waitFor({ timeout: 15_000 });
      await page.waitForFunction(() => !/discussion/i.test(document.querySelector('[data-testid="amendment-outcome"]')?.textContent ?? 'discussion'), undefined, { timeout: 15_000 });
      outcomes[medium] = (await readCurrentItem(page)).state;
    }

    await ok('secretariat', 'session:advance', { sessionId });
    const vote = await ok<{ id: string }>('secretariat', 'vote:open', { item: { kind: 'question', text: VOTE_TITLE }, rule: 'consensus', title: VOTE_TITLE, sessionId });
    await ok('secretariat', 'session:link-vote', { sessionId, index: 2, voteId: vote.id });
    for (const [who, choice] of [['axess', 'pour'], ['cfdt', 'pour'], ['sud', 'pour'], ['cgt', 'abstention']] as const) await ok(who, 'vote:cast', { voteId: vote.id, choice });
    await ok('secretariat', 'vote:close', { voteId: vote.id });
    await readItem(2, 0);
    for (const [medium, page] of Object.entries(pages)) {
      await page.locator('[data-testid="current-item"] .vote-state strong').waitFor({ timeout: 15_000 });
      const seen = await readCurrentItem(page);
      tallies[medium] = seen.tally;
      outcomes[`${medium} vote`] = seen.state;
    }
    const wallAttendance: Record['attendance'] = {};
    for (const party of await wall.getByTestId('projector-attendance').locator('.party').allInnerTexts()) {
      const m = /^(\S+)(?: \(présidence\))? : (\S+)/.exec(party.trim());
      if (m) wallAttendance[m[1]] = m[2].toLowerCase() as Presence;
    }
    // Looked at on a laptop and on a tablet (SCREENSHOTS_DIR).
    for (const [width, height] of [[1440, 900], [768, 1024]]) {
      for (const [medium, page] of Object.entries(pages)) {
        await page.setViewportSize({ width, height });
        await screenshot(page, `record-${medium.replace(' ', '-')}-${width}`);
      }
    }
    await wall.setViewportSize({ width: 1600, height: 900 });
    await sessionPage.setViewportSize({ width: 1440, height: 900 });

    await ok('secretariat', 'session:close', { sessionId });
    const minutesUrl = `/negotiations/${negotiationId}/sessions/${sessionId}/minutes`;
    const read = async <T,>(url: string, as: 'json' | 'bytes'): Promise<T> => {
      const res = await call(server, url, { cookie: cookies.cgt });
      expect(res.status, url).toBe(200);
      return (as === 'json' ? await res.json() : Buffer.from(await res.arrayBuffer())) as T;
    };
    const draft = await read<MinutesView>(minutesUrl, 'json');
    expect(draft.status).toBe('draft');
    await ok('secretariat', 'minutes:circulate', { sessionId });
    await ok('secretariat', 'minutes:approve', { sessionId });
    const approved = await read<MinutesView>(minutesUrl, 'json');
    expect(approved.status).toBe('approved');

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-record-'));
    fs.writeFileSync(path.join(dir, 'minutes.pdf'), await read<Buffer>(`${minutesUrl}.pdf`, 'bytes'));
    const pdf = execFileSync('pdftotext', ['-layout', path.join(dir, 'minutes.pdf'), '-'], { encoding: 'utf8' })
      // Columns of a laid-out table are runs of spaces.
      .replace(/ {2,}/g, ' | ');
    const { value: html } = await mammoth.convertToHtml({ buffer: await read<Buffer>(`${minutesUrl}.docx`, 'bytes') });
    const docx = html
      .replace(/<t([dh])([^>]*)>\s*<p>/g, '<t$1$2>')
      .replace(/<\/p>\s*<\/t([dh])>/g, '</t$1>')
      .replace(/<\/t[dh]>\s*<t[dh][^>]*>/g, ' | ')
      .replace(/<\/(p|h\d|li|tr)>/g, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&amp;/g, '&');

    // The session page once the minutes are approved: the agenda, the attendance, the minutes.
    await sessionPage.getByTestId('minutes-text').waitFor({ timeout: 15_000 });
    const minutesOnPage = await sessionPage.getByTestId('minutes-text').evaluate((root) =>
      [...root.querySelectorAll('h1, h2, h3, p, li, tr')]
        .filter((el) => !(el.tagName === 'P' && el.closest('li, td, th')))
        .map((el) => (el.tagName === 'TR' ? [...el.children].map((c) => (c as HTMLElement).innerText.trim()).join(' | ') : (el as HTMLElement).innerText.trim()))
        .join('\n'),
    );
    const pageAttendance: Record['attendance'] = {};
    for (const row of await sessionPage.locator('table.attendance tr').all()) {
      const [party, presence] = await row.locator('th, td').allInnerTexts();
      pageAttendance[party.replace(/ \(présidence\)$/, '')] = presence.toLowerCase() as Presence;
    }
    const agenda = await sessionPage.getByTestId('agenda').locator('> li .item-label').allInnerTexts();
    const linkedVote = (await sessionPage.getByTestId('item-vote').innerText()).toLowerCase();
    await screenshot(sessionPage, 'record-session-page');

    if (process.env.PRINT_MINUTES) process.stdout.write(`${draft.text}\n---\n${pdf}\n---\n${docx}\n---\n${minutesOnPage}\n`);
    const documents = { draft: draft.text, approved: approved.text, pdf, docx, 'session page minutes': minutesOnPage };
    for (const [medium, text] of Object.entries(documents)) expect(inOrder(readMinutes(text)), medium).toEqual(inOrder(FACTS));

    const tally = (t: { [choice: string]: string[] }) => ({ pour: t.pour, contre: t.contre, abstention: t.abstention });
    const votes = { ...FACTS.vote, outcome: undefined, title: undefined };
    for (const medium of Object.keys(pages) as (keyof typeof pages)[]) {
      expect(live[medium], medium).toEqual({ items: FACTS.items, speakers: FACTS.speakers });
      expect(tally(tallies[medium]), medium).toEqual({ pour: votes.pour, contre: votes.contre, abstention: votes.abstention });
      expect(outcomes[`${medium} vote`], medium).toBe(FACTS.vote.outcome);
      expect(outcomes[medium], medium).toMatch(new RegExp(`^${FACTS.amendment.outcome}`));
    }
    expect(Object.entries(wallAttendance), 'projector').toEqual(Object.entries(FACTS.attendance));
    expect(Object.entries(pageAttendance), 'session page').toEqual(Object.entries(FACTS.attendance));
    expect(agenda, 'session page').toEqual(FACTS.items);
    expect(linkedVote, 'session page').toContain(FACTS.vote.outcome);
  });
});
