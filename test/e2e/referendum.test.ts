import { afterAll, describe, it } from 'vitest';
import type { BrowserContext, Locator } from 'playwright-core';
import { screenshot } from '../helpers/browser.ts';
import { DEMO_PASSWORD, call, login } from '../helpers/auth.ts';
import { signaturePageAs, useDemoBrowser } from '../helpers/demo-browser.ts';
import { addCompanyNegotiation } from '../helpers/seed.ts';

/** Waits until the locator is visible (Playwright's own `expect` is not part of playwright-core). */
const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });

describe('the employees’ referendum on a company agreement, in the browser', () => {
  const demo = useDemoBrowser();
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const context of contexts) await context.close();
  });

  const pageAs = (email: string, negotiationId: string) => signaturePageAs(demo, contexts, email, negotiationId);

  it('signed by 40 %, notified: the secretariat records the approval, and the delegate’s page says « Valide » without a reload', async () => {
    const { company, people } = await addCompanyNegotiation(demo.server, demo.ids, 'referendum-e2e');
    const act = async (email: string, path: string, body: unknown = {}) => {
      const response = await call(demo.server, `/negotiations/${company}/signature${path}`, { cookie: await login(demo.server, email), body });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    };
    await act(people.secretariat, '/open', { signatureDeadline: '2099-06-30' });
    await act(people.cfdt, '/sign', { password: DEMO_PASSWORD });
    await act(people.direction, '/sign', { password: DEMO_PASSWORD });
    await act(people.secretariat, '/notifications', { org: demo.ids.organisations.CGT });

    const delegate = await pageAs(people.cgt, company);
    await visible(delegate.getByTestId('validity-status').getByText('En attente du référendum'));
    // Only the secretariat records the vote.
    await visible(delegate.getByText('Historique de l’accord'));
    if ((await delegate.getByRole('button', { name: 'Enregistrer le résultat du référendum' }).count()) !== 0) throw new Error('a delegate is offered the referendum form');

    const secretariat = await pageAs(people.secretariat, company);
    const form = secretariat.getByRole('region', { name: 'Référendum des salariés' });
    await visible(form);
    // No opposition right at company level (L2232-12): no oppositions gauge, nothing left to simulate once notified.
    for (const absent of [secretariat.getByRole('meter', { name: 'Oppositions retenues' }), secretariat.getByRole('region', { name: 'Simulateur « et si… »' })]) {
      if ((await absent.count()) !== 0) throw new Error('an opposition gauge or simulator on a company agreement');
    }
    const today = await form.locator('input[type=date]').getAttribute('max');
    await form.getByLabel('Date du vote').fill(today ?? '');
    await form.getByLabel('Approuvé par les salariés').check();
    await screenshot(secretariat, 'referendum-form');
    // A radio button is drawn as the browser draws it, its label on one line beside it (the
    // stylesheet's rule for text fields once made it as wide as its column, its label wrapped).
    for (const name of ['Approuvé par les salariés', 'Rejeté par les salariés']) {
      const radio = (await form.getByLabel(name).boundingBox())!;
      const label = (await form.locator('label', { hasText: name }).boundingBox())!;
      if (radio.width > 30 || label.height > 2 * 24) throw new Error(`« ${name} »: radio ${radio.width} px wide, label ${label.height} px high`);
    }
    await form.getByRole('button', { name: 'Enregistrer le résultat du référendum' }).click();
    await visible(secretariat.getByTestId('campaign-state').getByText('Valide'));
    await visible(secretariat.getByTestId('referendum-result').getByText(/Référendum des salariés du .+ : Approuvé par les salariés/));
    await form.waitFor({ state: 'detached' });

    // Live: the delegate did not reload.
    await visible(delegate.getByTestId('campaign-state').getByText('Valide'));
    await visible(delegate.getByTestId('validity-status').getByText('Valide'));
    await visible(delegate.getByTestId('referendum-result').getByText(/Approuvé par les salariés/));
    await screenshot(delegate, 'referendum-approved');
  });
});
