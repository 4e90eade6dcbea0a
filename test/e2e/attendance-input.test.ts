import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../shared/sessions/session.ts';
import { screenshot, signIn } from '../helpers/browser.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';
import { participants } from '../helpers/participants.ts';

describe('the attendance form under live changes', () => {
  const demo = useDemoBrowser();
  const people = participants(['secretariat', 'chair'] as const);
  const { ok } = people;
  let negotiationId: string;

  beforeAll(async () => {
    negotiationId = demo.ids.negotiations.tempsDeTravail;
    await people.signIn(demo.server, negotiationId);
  });
  afterAll(() => people.disconnect());

  it('keeps what the secretariat has typed when another member changes the session, and names the fields someone else saved under it', async () => {
    const o = demo.ids.organisations;
    const { id: sessionId } = await ok<SessionView>('secretariat', 'session:convene', {
      title: 'Séance aux présences disputées',
      startsAt: '2026-12-21T09:30',
      place: 'Paris',
      agenda: [
        { kind: 'free', title: 'Déclarations liminaires' },
        { kind: 'free', title: 'Questions diverses' },
      ],
    });
    const page = await signIn(await demo.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'fr-FR' }), demo.server.url, 'secretariat@axess.demo', `/negotiations/${negotiationId}/sessions/${sessionId}`);
    const select = (org: string) => page.getByRole('combobox', { name: org, exact: true });
    const names = (org: string) => page.getByRole('textbox', { name: `${org} – Délégués (séparés par des virgules)` });

    // Every choice reads whole in the selects, on a laptop and on a tablet.
    await select('FO').waitFor();
    for (const viewport of [{ width: 1400, height: 900 }, { width: 1440, height: 900 }, { width: 768, height: 1024 }]) {
      await page.setViewportSize(viewport);
      const cut = await page.locator('table.attendance select').evaluateAll((selects) =>
        selects.flatMap((select) => {
          const style = getComputedStyle(select);
          const context = document.createElement('canvas').getContext('2d')!;
          context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          // The room for text: the box less its padding, its border and the drop-down arrow.
          const room = select.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth) - 16;
          return [...(select as HTMLSelectElement).options].filter((o) => context.measureText(o.text).width > room).map((o) => `${select.getAttribute('aria-label')}: ${o.text}`);
        }),
      );
      expect(cut, `${viewport.width}×${viewport.height}`).toEqual([]);
      // And the delegates' fields say whole what they are for, before anything is typed in them.
      const cutHints = await page.locator('table.attendance input[placeholder]').evaluateAll((inputs) =>
        inputs.flatMap((input) => {
          const style = getComputedStyle(input);
          const context = document.createElement('canvas').getContext('2d')!;
          context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          const room = input.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
          const hint = (input as HTMLInputElement).placeholder;
          return context.measureText(hint).width > room ? [`${input.getAttribute('aria-label')}: ${hint}`] : [];
        }),
      );
      expect(cutHints, `${viewport.width}×${viewport.height}`).toEqual([]);
      await screenshot(page, `attendance-form-${viewport.width}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });

    // Typed, not saved.
    await select('FO').selectOption('excused');
    await select('CFDT').selectOption('present');
    await names('CFDT').fill('Nadia Benali, Paul Girard');

    // The presidency reorders the agenda: a live session event, the page reads the session again.
    await ok('chair', 'session:move-item', { sessionId, from: 1, to: 0 });
    await page.waitForFunction(() => document.querySelector('[data-testid="agenda"] > li .item-label')?.textContent === 'Questions diverses');
    expect(await select('FO').inputValue()).toBe('excused');
    expect(await select('CFDT').inputValue()).toBe('present');
    expect(await names('CFDT').inputValue()).toBe('Nadia Benali, Paul Girard');

    // Another secretariat member saves the attendance: SUD (untouched here) follows; FO, typed
    // here and saved otherwise there, keeps what was typed and is named.
    await ok('secretariat', 'session:record-attendance', {
      sessionId,
      entries: [
        { org: o.SUD, status: 'present', delegates: ['Karim Haddad'] },
        { org: o.FO, status: 'absent' },
      ],
    });
    await page.waitForFunction(() => (document.querySelector('[data-testid="attendance-SUD"] select') as HTMLSelectElement | null)?.value === 'present');
    expect(await names('SUD').inputValue()).toBe('Karim Haddad');
    expect(await select('FO').inputValue()).toBe('excused');
    expect(await names('CFDT').inputValue()).toBe('Nadia Benali, Paul Girard');
    const warning = page.getByTestId('attendance-changed');
    await warning.waitFor();
    expect(await warning.innerText()).toContain('FO');
    expect(await warning.innerText()).not.toContain('SUD');
    expect(await warning.innerText()).not.toContain('CFDT');

    // Saving records what the secretariat typed, and the warning goes.
    await page.getByRole('button', { name: 'Enregistrer les présences' }).click();
    await page.getByText('Présences enregistrées.').waitFor();
    expect(await warning.count()).toBe(0);
    await page.reload();
    await page.waitForFunction(() => (document.querySelector('[data-testid="attendance-FO"] select') as HTMLSelectElement | null)?.value === 'excused');
    expect(await names('CFDT').inputValue()).toBe('Nadia Benali, Paul Girard');
    expect(await select('SUD').inputValue()).toBe('present');
  });
});
