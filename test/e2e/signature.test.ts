import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { screenshot } from '../helpers/browser.ts';
import { DEMO_PASSWORD } from '../helpers/auth.ts';
import { signaturePageAs, useDemoBrowser } from '../helpers/demo-browser.ts';

/** Waits until the locator is visible (Playwright's own `expect` is not part of playwright-core). */
const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });

/** Waits until the locator's text matches. */
async function textBecomes(locator: Locator, expected: RegExp | string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = '';
  while (Date.now() < deadline) {
    last = ((await locator.textContent().catch(() => '')) ?? '').replace(/[\s\u00a0\u202f]+/g, ' ').trim();
    if (typeof expected === 'string' ? last === expected : expected.test(last)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected ${String(expected)}, got « ${last} »`);
}

describe('a signature campaign in the browser: sign, watch the gauge, oppose, void', () => {
  const demo = useDemoBrowser();
  const contexts: BrowserContext[] = [];
  let live: string;

  const pageAs = (email: string) => signaturePageAs(demo, contexts, email, live);

  beforeAll(async () => {
    live = demo.ids.negotiations.tempsDeTravail;
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
  });

  let secretariat: Page;
  let cfdt: Page;
  let cgt: Page;

  it('the negotiation home links to the campaign; the secretariat opens the text for signature', async () => {
    secretariat = await pageAs('secretariat@axess.demo');
    await secretariat.goto(`${demo.server.url}/negotiations/${live}`);
    await secretariat.getByRole('link', { name: 'Campagne de signature et validité' }).click();
    await secretariat.getByRole('heading', { name: 'Campagne de signature' }).waitFor();
    expect(new URL(secretariat.url()).pathname).toBe(`/negotiations/${live}/signature`);
    await visible(secretariat.getByText('Aucun texte n’a encore été ouvert à la signature dans cette négociation.'));
    await secretariat.getByLabel('Date limite de signature').fill('2099-06-30');
    await secretariat.getByRole('button', { name: 'Ouvrir à la signature' }).click();
    await textBecomes(secretariat.getByTestId('campaign-state'), 'Ouvert à la signature');
    await textBecomes(secretariat.getByTestId('actuel-signature-weight'), '0,00 %');
    await screenshot(secretariat, 'signature-opened');
  });

  it('the CFDT signs after a confirmation naming its weight, the version, its fingerprint and the consequence; the gauge moves on the secretariat’s screen too', async () => {
    cfdt = await pageAs('delegue@cfdt.demo');
    await cfdt.getByRole('button', { name: 'Signer l’accord' }).click();
    const dialog = cfdt.getByRole('alertdialog', { name: 'Confirmer la signature' });
    await visible(dialog.getByText('CFDT', { exact: true }));
    await visible(dialog.getByText('poids 38,50 %'));
    await visible(dialog.getByText(/^[a-f0-9]{64}$/));
    await textBecomes(dialog.getByTestId('binding-consequence'), /votre signature porte le total à 38,50\s%\s: l’accord est conclu/);
    await screenshot(cfdt, 'signature-confirmation');
    await dialog.getByLabel('Votre mot de passe').fill('pas-le-bon');
    await dialog.getByRole('button', { name: 'Confirmer et signer' }).click();
    await visible(dialog.getByText('Mot de passe incorrect : la signature n’est pas enregistrée.'));
    await dialog.getByLabel('Votre mot de passe').fill(DEMO_PASSWORD);
    await dialog.getByRole('button', { name: 'Confirmer et signer' }).click();
    await textBecomes(cfdt.getByTestId('actuel-signature-weight'), '38,50 %');
    await visible(cfdt.getByText(/signé par Nadia Benali/));
    // Live: the secretariat did not reload.
    await textBecomes(secretariat.getByTestId('actuel-signature-weight'), '38,50 %');
    await visible(secretariat.getByText('Seuil de 30 % atteint : l’accord est conclu.'));
    await screenshot(cfdt, 'signature-signed-cfdt');
    await screenshot(secretariat, 'signature-gauge-secretariat');
  });

  it('the secretariat notifies every union; the deadlines count down', async () => {
    for (const org of ['CFDT', 'CGT', 'FO', 'SUD']) {
      await secretariat.getByLabel('Organisation').selectOption({ label: org });
      await secretariat.getByRole('button', { name: 'Enregistrer la notification' }).click();
      await visible(secretariat.getByText(/notifiée le/).nth(['CFDT', 'CGT', 'FO', 'SUD'].indexOf(org)));
    }
    await textBecomes(secretariat.getByTestId('campaign-state'), 'Notifié');
    await textBecomes(secretariat.getByTestId('validity-status'), 'En délai d’opposition');
    const rows = secretariat.getByRole('table').getByRole('row');
    await textBecomes(rows.filter({ hasText: 'CGT' }), /J-1[5-9]/);
  });

  it('the what-if simulator runs the engine in the browser: « si CGT, FO et SUD s’opposent »', async () => {
    cgt = await pageAs('delegue@cgt.demo');
    await cgt.getByLabel('si FO s’oppose').check();
    await textBecomes(cgt.getByTestId('simulated-status'), 'En délai d’opposition');
    await cgt.getByLabel('si CGT s’oppose').check();
    await cgt.getByLabel('si SUD s’oppose').check();
    await textBecomes(cgt.getByTestId('simulated-status'), 'Réputé non écrit');
    await textBecomes(cgt.getByTestId('simulation-opposition-weight'), '61,50 %');
    // A simulation changes nothing real.
    await textBecomes(cgt.getByTestId('actuel-opposition-weight'), '0,00 %');
    await screenshot(cgt, 'signature-simulator');
    await cgt.getByRole('button', { name: 'Effacer la simulation' }).click();
  });

  /** Files the opposition: reasons, then the confirmation with the password typed again. */
  async function oppose(page: Page, reasons: string, consequence?: RegExp): Promise<void> {
    await page.getByLabel('Motifs de l’opposition').fill(reasons);
    await page.getByRole('button', { name: 'Former opposition' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Confirmer l’opposition' });
    if (consequence) await textBecomes(dialog.getByTestId('binding-consequence'), consequence);
    await dialog.getByLabel('Votre mot de passe').fill(DEMO_PASSWORD);
    await dialog.getByRole('button', { name: 'Confirmer l’opposition' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  it('CGT, FO and SUD file their oppositions, each confirmed; the status becomes void everywhere', async () => {
    await oppose(cgt, 'La CGT s’oppose : les durées maximales dérogatoires ne sont pas compensées.', /porte le total à 35,18\s%\s: sans majorité/);
    await textBecomes(cgt.getByTestId('actuel-opposition-weight'), '35,18 %');
    // The CFDT signed: it is not offered to oppose.
    expect(await cfdt.getByRole('button', { name: 'Former opposition' }).count()).toBe(0);

    const fo = await pageAs('delegue@fo.demo');
    await oppose(fo, 'FO s’oppose : le forfait en jours n’est pas encadré.');
    await textBecomes(secretariat.getByTestId('actuel-opposition-weight'), '49,87 %');
    await textBecomes(secretariat.getByTestId('validity-status'), 'En délai d’opposition');

    const sud = await pageAs('delegue@sud.demo');
    await sud.getByLabel('Motifs de l’opposition').fill('SUD s’oppose : le temps d’habillage reste sous-compensé.');
    await sud.getByRole('button', { name: 'Former opposition' }).click();
    const last = sud.getByRole('alertdialog', { name: 'Confirmer l’opposition' });
    await textBecomes(last.getByTestId('binding-consequence'), /votre opposition porte le total à 61,50\s%\s: l’accord sera réputé non écrit\./);
    await screenshot(sud, 'opposition-confirmation');
    await last.getByLabel('Votre mot de passe').fill(DEMO_PASSWORD);
    await last.getByRole('button', { name: 'Confirmer l’opposition' }).click();
    await textBecomes(sud.getByTestId('campaign-state'), 'Réputé non écrit');
    await textBecomes(secretariat.getByTestId('campaign-state'), 'Réputé non écrit');
    await textBecomes(secretariat.getByTestId('validity-status'), 'Réputé non écrit');
    await textBecomes(secretariat.getByTestId('actuel-opposition-weight'), '61,50 %');
    await visible(secretariat.getByText('Opposition majoritaire (plus de 50 %) : l’accord est réputé non écrit.'));
    await screenshot(secretariat, 'signature-void');
  });

  it('the seeded 2023 avenant reads void, with its dates and its signed exports', async () => {
    const page = secretariat;
    await page.goto(`${demo.server.url}/negotiations/${demo.ids.negotiations.cppni}/signature`);
    await textBecomes(page.getByTestId('campaign-state'), 'Réputé non écrit');
    await textBecomes(page.getByTestId('actuel-signature-weight'), '38,50 %');
    await textBecomes(page.getByTestId('actuel-opposition-weight'), '61,50 %');
    await visible(page.getByText(/signé par Nadia Benali le 26 septembre 2023/));
    await visible(page.getByText('opposition le 12 octobre 2023'));
    await visible(page.getByRole('link', { name: 'PDF' }));
    await screenshot(page, 'signature-cppni-2023');
  });
});
