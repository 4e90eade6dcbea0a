import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { SessionView } from '../../shared/sessions/session.ts';
import { countApiReads, screenshot, signIn } from '../helpers/browser.ts';
import { login } from '../helpers/auth.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';
import { command, connect, type ClientSocket } from '../integration/realtime-client.ts';
import { appendParagraph, connectClient, synced } from '../integration/yjs-helpers.ts';

/** How soon a change by the secretariat must show on a delegate's page and on the projector. */
const LIVE_MS = 2_000;

describe('the session panels are kept by events: the delegate’s session page and the projector follow, reading nothing again', () => {
  const demo = useDemoBrowser();
  const options = { viewport: { width: 1440, height: 900 }, locale: 'fr-FR' };
  let secretariat: ClientSocket;
  let negotiationId: string;

  beforeAll(async () => {
    negotiationId = demo.ids.negotiations.tempsDeTravail;
    secretariat = await connect(demo.server, await login(demo.server, 'secretariat@axess.demo'));
  });
  afterAll(() => secretariat?.close());

  async function send<T>(name: string, payload: Record<string, unknown>): Promise<T> {
    const ack = await command<T>(secretariat, name, { negotiationId, ...payload });
    if (!ack.ok) throw new Error(`${name}: ${ack.error.message}`);
    return ack.data;
  }

  /** Waits for `text` in `testId` on each page, within LIVE_MS of the change. */
  async function showsLive(pages: Page[], locate: (page: Page) => ReturnType<Page['getByTestId']>, text: string | RegExp): Promise<void> {
    await Promise.all(pages.map((page) => locate(page).filter({ hasText: text }).first().waitFor({ timeout: LIVE_MS })));
  }

  it('the sessions list, the current item, the attendance, the speakers list and the minutes’ state', async () => {
    const sessionsPath = `/api/negotiations/${negotiationId}/sessions`;
    const delegateContext = await demo.browser.newContext(options);
    const delegateReads = countApiReads(delegateContext);
    const list = await signIn(delegateContext, demo.server.url, 'delegue@cfdt.demo', `/negotiations/${negotiationId}/sessions`);
    const wallContext = await demo.browser.newContext({ ...options, viewport: { width: 1600, height: 900 } });
    const wallReads = countApiReads(wallContext);
    const wall = await signIn(wallContext, demo.server.url, 'delegue@fo.demo', `/negotiations/${negotiationId}/projector`);
    await list.locator('#upcoming-title').waitFor();
    await wall.getByTestId('projector').waitFor();
    // Both pages follow the negotiation's stream before the change (joined and caught up).
    await wall.waitForLoadState('networkidle');
    await list.waitForLoadState('networkidle');
    expect(delegateReads.filter((p) => p === sessionsPath)).toHaveLength(1);

    // The session list: a session convened for tonight shows in the delegate's list and as the projector's next session.
    const title = 'Séance du soir suivie en direct';
    const startsAt = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const convened = await send<SessionView>('session:convene', {
      title,
      startsAt,
      place: 'Paris, salle du conseil',
      agenda: [
        { kind: 'free', title: 'Déclarations liminaires', text: 'Chaque délégation s’exprime.' },
        { kind: 'article', articleId: demo.ids.articles.tempsDeTravail[3] },
      ],
    });
    await Promise.all([list.getByRole('link', { name: title }).first().waitFor({ timeout: LIVE_MS }), wall.getByText(title).waitFor({ timeout: LIVE_MS })]);
    expect(delegateReads.filter((p) => p === sessionsPath)).toHaveLength(1);
    expect(wallReads.filter((p) => p === sessionsPath)).toHaveLength(1);

    // The delegate opens the session's page: it is read once, there.
    const sessionPath = `${sessionsPath}/${convened.id}`;
    const page = await delegateContext.newPage();
    await page.goto(`${demo.server.url}/negotiations/${negotiationId}/sessions/${convened.id}`);
    await page.getByTestId('session-status').filter({ hasText: 'Convoquée' }).waitFor();
    await page.waitForLoadState('networkidle');
    const sessionReads = (reads: string[]) => reads.filter((p) => p === sessionsPath || p.startsWith(sessionPath) && !p.endsWith('/minutes'));
    const delegateBefore = sessionReads(delegateReads).length;

    // The current item: opened on its first item, then the next one.
    await send('session:open', { sessionId: convened.id });
    await showsLive([page], (p) => p.getByTestId('session-status'), 'En cours');
    await showsLive([page, wall], (p) => p.getByTestId('current-heading'), 'Déclarations liminaires');
    // The projector read the session once, when it saw it open.
    const wallBefore = sessionReads(wallReads).length;
    await send('session:advance', { sessionId: convened.id });
    await showsLive([page, wall], (p) => p.getByTestId('current-heading'), 'Article 3 – Temps de pause');
    await wall.getByText('Point 2 sur 2').waitFor({ timeout: LIVE_MS });
    // The article's text as the negotiator writes it (Yjs edits are no events): on the wall, with no polling.
    const pen = connectClient(demo.server.url, `article:${demo.ids.articles.tempsDeTravail[3]}`, await login(demo.server, 'negociateur@axess.demo'));
    try {
      await synced(pen);
      appendParagraph(pen.doc, 'La pause est prise hors de la présence des personnes accompagnées.');
      await wall.getByTestId('current-item').getByText('La pause est prise hors de la présence des personnes accompagnées.').waitFor({ timeout: LIVE_MS });
    } finally {
      pen.destroy();
    }

    // The attendance.
    await send('session:record-attendance', {
      sessionId: convened.id,
      entries: [
        { org: demo.ids.organisations.FO, status: 'excused' },
        { org: demo.ids.organisations.CFDT, status: 'present', delegates: ['Claire Martin'] },
      ],
      observers: ['Jeanne Roy (DGT)'],
    });
    await showsLive([page], (p) => p.getByTestId('attendance-FO'), 'Excusée');
    await showsLive([page], (p) => p.getByTestId('attendance-CFDT'), 'Claire Martin');
    await showsLive([wall], (p) => p.getByTestId('projector-attendance'), 'FO : Excusée');
    await showsLive([wall], (p) => p.getByTestId('projector-attendance'), 'Jeanne Roy (DGT)');

    // The speakers list of the current item.
    await send('session:speaker-add', { sessionId: convened.id, index: 1, org: demo.ids.organisations.CGT, name: 'Paul Girard' });
    await showsLive([page, wall], (p) => p.getByTestId('current-speakers'), 'CGT — Paul Girard');

    // The close: the projector waits for the next session; the minutes' state follows on the session page.
    await send('session:close', { sessionId: convened.id });
    await showsLive([page], (p) => p.getByTestId('session-status'), 'Close');
    await wall.getByText('Aucune séance en cours.').waitFor({ timeout: LIVE_MS });
    await page.locator('.badge.minutes-draft').filter({ hasText: 'Projet' }).waitFor({ timeout: LIVE_MS });
    await send('minutes:circulate', { sessionId: convened.id });
    await page.locator('.badge.minutes-circulated').filter({ hasText: 'Diffusé pour observations' }).waitFor({ timeout: LIVE_MS });
    await screenshot(page, 'session-live-delegate');

    // Neither page read the session, its current item or the list again after any of these events.
    expect(sessionReads(delegateReads)).toHaveLength(delegateBefore);
    expect(sessionReads(wallReads)).toHaveLength(wallBefore);
    expect(wallReads.filter((p) => p === sessionsPath)).toHaveLength(1);
    await delegateContext.close();
    await wallContext.close();
  });

  it('the minutes’ draft: what the secretariat types shows on a union delegate’s session page within 2 s, the minutes not read again', async () => {
    const convened = await send<SessionView>('session:convene', {
      title: 'Séance au relevé suivi en direct',
      startsAt: new Date(Date.now() + 3 * 3_600_000).toISOString(),
      place: 'Paris, salle du conseil',
      agenda: [{ kind: 'free', title: 'Déclarations liminaires', text: 'Chaque délégation s’exprime.' }],
    });
    await send('session:open', { sessionId: convened.id });
    // The close drafts the minutes: a draft, not yet circulated, which every member of the table may read.
    await send('session:close', { sessionId: convened.id });
    const path = `/negotiations/${negotiationId}/sessions/${convened.id}`;
    const minutesPath = `/api${path}/minutes`;

    const writer = await signIn(await demo.browser.newContext(options), demo.server.url, 'secretariat@axess.demo', path);
    const readerContext = await demo.browser.newContext(options);
    const readerReads = countApiReads(readerContext);
    const reader = await signIn(readerContext, demo.server.url, 'delegue@cfdt.demo', path);
    const editor = writer.getByTestId('minutes-editor');
    const text = reader.getByTestId('minutes-text');
    await editor.locator('h2', { hasText: /^Décisions$/ }).waitFor({ timeout: 15_000 });
    await text.locator('h2', { hasText: /^Décisions$/ }).waitFor({ timeout: 15_000 });
    expect(await reader.locator('.badge.minutes-draft').innerText()).toBe('Projet');
    expect(await text.getAttribute('contenteditable')).toBe('false');
    expect(readerReads.filter((p) => p === minutesPath)).toHaveLength(1);

    await editor.locator('h1').first().click();
    await writer.keyboard.press('Control+End');
    await writer.keyboard.press('Enter');
    await writer.keyboard.type('Observation de séance : la CFDT relira le relevé avant diffusion.');
    await text.getByText('Observation de séance : la CFDT relira le relevé avant diffusion.').waitFor({ timeout: LIVE_MS });

    expect(readerReads.filter((p) => p === minutesPath)).toHaveLength(1);
    await writer.context().close();
    await readerContext.close();
  });
});
