import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../shared/sessions/session.ts';
import { screenshot, signIn } from '../helpers/browser.ts';
import { login } from '../helpers/auth.ts';
import { command, connect } from '../integration/realtime-client.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

describe('the projector follows the session', () => {
  const demo = useDemoBrowser();
  let negotiationId: string;
  let session: SessionView;

  beforeAll(async () => {
    negotiationId = demo.ids.negotiations.tempsDeTravail;
    // The secretariat convened a session with three items (through the same command the form sends).
    const socket = await connect(demo.server, await login(demo.server, 'secretariat@axess.demo'));
    const ack = await command<SessionView>(socket, 'session:convene', {
      negotiationId,
      title: 'Séance de travail projetée',
      startsAt: '2026-12-17T14:00',
      place: 'Paris, salle du conseil',
      agenda: [
        { kind: 'free', title: 'Déclarations liminaires', text: 'Chaque délégation s’exprime.' },
        { kind: 'article', articleId: demo.ids.articles.tempsDeTravail[3] },
        { kind: 'vote', title: 'Vote indicatif sur la pause' },
      ],
    });
    socket.close();
    if (!ack.ok) throw new Error(ack.error.message);
    session = ack.data;
  });

  it('the secretariat opens the session and moves to the next item; the projector shows it, with no controls', async () => {
    const options = { viewport: { width: 1400, height: 900 }, locale: 'fr-FR' };
    const secretariat = await signIn(await demo.browser.newContext(options), demo.server.url, 'secretariat@axess.demo', `/negotiations/${negotiationId}/sessions/${session.id}`);
    const wall = await signIn(await demo.browser.newContext({ ...options, viewport: { width: 1600, height: 900 } }), demo.server.url, 'delegue@cfdt.demo', `/negotiations/${negotiationId}/projector`);

    await wall.getByText('Aucune séance en cours.').waitFor();

    // The attendance is taken once; the form shows it again after a reload, as the wall does.
    await secretariat.getByRole('combobox', { name: 'FO', exact: true }).selectOption('excused');
    await secretariat.getByRole('combobox', { name: 'CMP (présidence)', exact: true }).selectOption('present');
    await secretariat.getByRole('textbox', { name: 'CMP (présidence) – Délégués (séparés par des virgules)' }).fill('Michel Fournier');
    await secretariat.getByRole('button', { name: 'Enregistrer les présences' }).click();
    await secretariat.getByText('Présences enregistrées.').waitFor();
    await secretariat.reload();
    const fo = secretariat.getByRole('combobox', { name: 'FO', exact: true });
    await fo.waitFor();
    await secretariat.waitForFunction(() => (document.querySelector('[data-testid="attendance-FO"] select') as HTMLSelectElement | null)?.value === 'excused');
    expect(await fo.inputValue()).toBe('excused');
    expect(await secretariat.getByRole('combobox', { name: 'CMP (présidence)', exact: true }).inputValue()).toBe('present');
    expect(await secretariat.getByRole('combobox', { name: 'CFDT', exact: true }).inputValue()).toBe('');

    // The agenda is reordered with the keyboard (the arrow keeps the focus) and back with the mouse.
    const items = secretariat.getByTestId('agenda').locator('> li .item-label');
    const down = secretariat.getByRole('button', { name: 'Descendre « Déclarations liminaires »' });
    await down.focus();
    await secretariat.keyboard.press('Enter');
    await secretariat.waitForFunction(() => document.querySelector('[data-testid="agenda"] > li .item-label')?.textContent === 'Article 3 – Temps de pause');
    expect(await items.allInnerTexts()).toEqual(['Article 3 – Temps de pause', 'Déclarations liminaires', 'Vote indicatif sur la pause']);
    expect(await secretariat.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Descendre « Déclarations liminaires »');
    await wall.getByText('Aucune séance en cours.').waitFor();
    const rows = secretariat.getByTestId('agenda').locator('> li');
    await rows.nth(1).dragTo(rows.nth(0));
    await secretariat.waitForFunction(() => document.querySelector('[data-testid="agenda"] > li .item-label')?.textContent === 'Déclarations liminaires');
    expect(await items.allInnerTexts()).toEqual(['Déclarations liminaires', 'Article 3 – Temps de pause', 'Vote indicatif sur la pause']);

    await secretariat.getByRole('button', { name: 'Ouvrir la séance' }).click();
    await secretariat.getByTestId('session-status').filter({ hasText: 'En cours' }).waitFor();

    const heading = wall.getByTestId('current-heading');
    await heading.filter({ hasText: 'Déclarations liminaires' }).waitFor({ timeout: 15_000 });
    await screenshot(secretariat, 'session-secretariat');

    await secretariat.getByTestId('next-item').click();
    await heading.filter({ hasText: 'Article 3 – Temps de pause' }).waitFor({ timeout: 15_000 });
    await wall.getByText('Point 2 sur 3').waitFor();
    const room = wall.getByTestId('projector-attendance');
    expect(await room.innerText()).toMatch(/FO : Excusée/);
    expect(await room.innerText()).toMatch(/CMP \(présidence\) : Présente/);
    // The live text of the article is on the wall, in large type.
    const size = await heading.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(40);
    expect(await wall.getByTestId('current-item').innerText()).toMatch(/pause/i);
    // A wall screen has no controls and no navigation.
    expect(await wall.getByRole('button').count()).toBe(0);
    expect(await wall.locator('nav').count()).toBe(0);
    await screenshot(wall, 'projector-article');

    await secretariat.getByTestId('next-item').click();
    await heading.filter({ hasText: 'Vote indicatif sur la pause' }).waitFor({ timeout: 15_000 });
    await wall.getByText('Le vote n’est pas encore ouvert.').waitFor();

    // The vote is held: the wall shows the tally once closed.
    const voters = Object.fromEntries(
      await Promise.all(
        (['secretariat@axess.demo', 'negociateur@axess.demo', 'delegue@cfdt.demo', 'delegue@cgt.demo'] as const).map(async (email) => [email, await connect(demo.server, await login(demo.server, email))] as const),
      ),
    );
    const ok = async <T,>(email: string, event: string, payload: Record<string, unknown>): Promise<T> => {
      const ack = await command<T>(voters[email], event, { negotiationId, ...payload });
      if (!ack.ok) throw new Error(`${event}: ${ack.error.message}`);
      return ack.data;
    };
    const vote = await ok<{ id: string }>('secretariat@axess.demo', 'vote:open', { item: { kind: 'text' }, rule: 'consensus', title: 'Vote indicatif sur la pause', sessionId: session.id });
    await wall.getByText('Vote en cours').waitFor({ timeout: 15_000 });
    await ok('negociateur@axess.demo', 'vote:cast', { voteId: vote.id, choice: 'pour' });
    await ok('delegue@cfdt.demo', 'vote:cast', { voteId: vote.id, choice: 'pour' });
    await ok('delegue@cgt.demo', 'vote:cast', { voteId: vote.id, choice: 'abstention' });
    await ok('secretariat@axess.demo', 'vote:close', { voteId: vote.id });
    for (const socket of Object.values(voters)) socket.close();
    await wall.getByText('Adopté', { exact: true }).waitFor({ timeout: 15_000 });
    expect(await wall.getByTestId('current-item').innerText()).toMatch(/AXESS, CFDT/);
    await screenshot(wall, 'projector-vote');

    // The close drafts the minutes, which the secretariat edits live, then approves.
    secretariat.on('dialog', (dialog) => void dialog.accept());
    await secretariat.getByRole('button', { name: 'Clore la séance' }).click();
    const editor = secretariat.getByTestId('minutes-editor');
    await editor.waitFor({ timeout: 15_000 });
    await editor.locator('h2', { hasText: /^Décisions$/ }).waitFor({ timeout: 15_000 });
    // Rich text from the keyboard: bold with Ctrl+B, a bulleted list from the toolbar, undo with Ctrl+Z.
    // From the top of the text (the title), Ctrl+End goes to its end, past the attendance table.
    await editor.locator('h1').first().click();
    await secretariat.keyboard.press('Control+End');
    await secretariat.keyboard.press('Enter');
    await secretariat.keyboard.type('Observation : ');
    await secretariat.keyboard.press('Control+B');
    await secretariat.keyboard.type('la CGT demande un relevé nominatif');
    await secretariat.keyboard.press('Control+B');
    await secretariat.keyboard.type('.');
    await secretariat.keyboard.press('Enter');
    await secretariat.getByRole('button', { name: 'Liste à puces' }).click();
    await secretariat.keyboard.type('Point à reprendre en janvier');
    // Yjs groups what is typed within half a second: the next words are their own step to undo.
    await secretariat.waitForTimeout(700);
    await secretariat.keyboard.type(' SUPPRIMÉ PAR ANNULER');
    await secretariat.waitForTimeout(700);
    await secretariat.keyboard.press('Control+Z');
    await secretariat.waitForFunction(() => !document.querySelector('[data-testid="minutes-editor"]')?.textContent?.includes('SUPPRIMÉ'));
    expect(await editor.locator('strong').allInnerTexts()).toContain('la CGT demande un relevé nominatif');
    expect(await editor.locator('ul li').last().innerText()).toBe('Point à reprendre en janvier');
    await screenshot(secretariat, 'minutes-editing');
    await secretariat.getByRole('button', { name: 'Approuver (fige le texte)' }).click();
    const frozen = secretariat.getByTestId('minutes-text');
    await frozen.waitFor({ timeout: 15_000 });
    expect(await frozen.innerText()).toContain('Observation : la CGT demande un relevé nominatif.');
    expect(await frozen.locator('strong').allInnerTexts()).toContain('la CGT demande un relevé nominatif');
    expect(await frozen.locator('ul li').last().innerText()).toBe('Point à reprendre en janvier');
    expect(await frozen.getAttribute('contenteditable')).toBe('false');
    expect(await secretariat.getByTestId('minutes-editor').count()).toBe(0);
    // The draft's connection was closed for its new rights, not for an ended mandate.
    expect(await secretariat.getByText('a pris fin').count()).toBe(0);
  });

  it('members see the calendar with sessions, deadlines and a countdown; approved minutes are read-only with their exports', async () => {
    const options = { viewport: { width: 1400, height: 900 }, locale: 'fr-FR' };
    const page = await signIn(await demo.browser.newContext(options), demo.server.url, 'delegue@cgt.demo', `/negotiations/${negotiationId}/sessions`);
    await page.getByRole('heading', { name: 'Séances', exact: true }).waitFor();
    await page.getByText('Temps de travail – deuxième séance').first().waitFor();
    expect(await page.getByTestId('countdown').innerText()).toMatch(/^\d+ j \d+ h \d{2} min \d{2} s$/);
    expect(await page.getByRole('heading', { name: 'Convoquer une séance' }).count()).toBe(0);
    await screenshot(page, 'sessions-list');

    const cppni = demo.ids.negotiations.cppni;
    await page.goto(`${demo.server.url}/negotiations/${cppni}/sessions`);
    await page.getByRole('link', { name: 'CPPNI – séance plénière' }).first().click();
    const minutes = page.getByTestId('minutes-text');
    await minutes.waitFor();
    expect(await minutes.innerText()).toContain('L’avenant n° 1 à l’accord CPPNI est ouvert à la signature');
    await page.getByText(/Approuvé le .* par Julien Roussel/).waitFor();
    expect(await page.locator('textarea').count()).toBe(0);
    expect(await page.locator('[contenteditable="true"]').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Télécharger en PDF' }).getAttribute('href')).toMatch(/minutes\.pdf$/);
    await screenshot(page, 'session-2023-minutes');
  });
});
