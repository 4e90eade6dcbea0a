import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../shared/sessions/session.ts';
import { screenshot, signIn } from '../helpers/browser.ts';
import { login } from '../helpers/auth.ts';
import { command, connect } from '../integration/realtime-client.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

describe('the speakers list on the session page and the projector', () => {
  const demo = useDemoBrowser();
  let negotiationId: string;
  let session: SessionView;

  beforeAll(async () => {
    negotiationId = demo.ids.negotiations.tempsDeTravail;
    const socket = await connect(demo.server, await login(demo.server, 'secretariat@axess.demo'));
    const convened = await command<SessionView>(socket, 'session:convene', {
      negotiationId,
      title: 'Séance avec liste des orateurs',
      startsAt: '2026-12-17T14:00',
      place: 'Paris',
      agenda: [{ kind: 'free', title: 'Déclarations liminaires' }],
    });
    if (!convened.ok) throw new Error(convened.error.message);
    session = convened.data;
    const opened = await command(socket, 'session:open', { negotiationId, sessionId: session.id });
    if (!opened.ok) throw new Error(opened.error.message);
    socket.close();
  });

  it('the chair adds two speakers; the projector shows them in order within 2 s without reload; a delegate cannot edit the list', async () => {
    const options = { viewport: { width: 1440, height: 900 }, locale: 'fr-FR' };
    const chair = await signIn(await demo.browser.newContext(options), demo.server.url, 'president@cmp.demo', `/negotiations/${negotiationId}/sessions/${session.id}`);
    const wall = await signIn(await demo.browser.newContext(options), demo.server.url, 'delegue@cfdt.demo', `/negotiations/${negotiationId}/projector`);
    const delegate = await signIn(await demo.browser.newContext(options), demo.server.url, 'delegue@cgt.demo', `/negotiations/${negotiationId}/sessions/${session.id}`);
    await wall.getByTestId('current-heading').waitFor({ timeout: 15_000 });

    const panel = chair.getByTestId('speakers-panel');
    await panel.waitFor({ timeout: 15_000 });
    await panel.getByLabel('Organisation').selectOption({ label: 'CGT' });
    await panel.getByRole('button', { name: 'Inscrire' }).click();
    await panel.locator('ol li', { hasText: 'CGT' }).waitFor();
    await panel.getByLabel('Organisation').selectOption({ label: 'CFDT' });
    await panel.getByLabel('Nom (facultatif)').fill('Marie Dupont');
    const added = Date.now();
    await panel.getByRole('button', { name: 'Inscrire' }).click();

    const list = wall.getByTestId('current-speakers');
    await wall.waitForFunction(() => document.querySelectorAll('[data-testid="current-speakers"] li').length === 2, undefined, { timeout: 2_000 + 1_000 });
    expect(Date.now() - added).toBeLessThan(3_000);
    expect(await list.locator('li').allInnerTexts()).toEqual(['CGT', 'CFDT — Marie Dupont']);
    await screenshot(wall, 'projector-speakers');
    await screenshot(chair, 'session-speakers');

    // The delegate sees the list but has no hand on it.
    await delegate.getByTestId('current-speakers').waitFor({ timeout: 15_000 });
    expect(await delegate.getByTestId('speakers-panel').count()).toBe(0);
    expect(await delegate.getByRole('button', { name: 'Inscrire' }).count()).toBe(0);
  });
});
