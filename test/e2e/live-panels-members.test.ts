import { describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { countApiReads, screenshot, signIn } from '../helpers/browser.ts';
import { mailTo } from '../helpers/mailbox.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

/** How soon what one member does must show for another, without a reload. */
const LIVE_MS = 2_000;

describe('the members page is live: invitations and joins come as events, the list is read once', () => {
  const demo = useDemoBrowser();
  const options = { viewport: { width: 1280, height: 900 }, locale: 'fr-FR' };

  /** A signed-in members page, and the API reads its context makes (paths), from the sign-in on. */
  async function membersPage(email: string): Promise<{ page: Page; reads: string[]; context: BrowserContext }> {
    const context = await demo.browser.newContext(options);
    const reads = countApiReads(context);
    const page = await signIn(context, demo.server.url, email, `/negotiations/${demo.ids.negotiations.tempsDeTravail}/members`);
    return { page, reads, context };
  }
  const row = (page: Page, name: string): Locator => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(name) }) });
  const pending = (page: Page): Locator => page.getByRole('region', { name: 'Invitations en attente' });

  it('the CGT lead invites, cancels, invites again, the invitee joins, the lead grants a role, the secretariat suspends: both pages show each step within 2 s, without reading the members again', async () => {
    const id = demo.ids.negotiations.tempsDeTravail;
    const listReads = (m: { reads: string[] }) => m.reads.filter((p) => p === `/api/negotiations/${id}/members`).length;
    const secretariat = await membersPage('secretariat@axess.demo');
    const lead = await membersPage('delegue@cgt.demo');
    await row(secretariat.page, 'Thomas Lefèvre').waitFor({ timeout: 15_000 });
    await lead.page.getByRole('heading', { name: 'Délégation CGT' }).waitFor({ timeout: 15_000 });
    await row(lead.page, 'Thomas Lefèvre').waitFor({ timeout: 15_000 });
    expect([listReads(secretariat), listReads(lead)]).toEqual([1, 1]);

    // An invitation sent: pending on both pages.
    const invite = lead.page.getByRole('region', { name: 'Inviter une personne' });
    const sendInvitation = async (email: string) => {
      await invite.getByLabel('E-mail').fill(email);
      await invite.getByLabel('Délégué').check();
      await invite.getByRole('button', { name: 'Envoyer l’invitation' }).click();
    };
    await sendInvitation('erreur@cgt.test');
    for (const { page } of [lead, secretariat]) await pending(page).getByText('erreur@cgt.test').waitFor({ timeout: LIVE_MS });

    // Cancelled by the lead: gone from both.
    await pending(lead.page).getByRole('button', { name: 'Annuler l’invitation : erreur@cgt.test' }).click();
    for (const { page } of [lead, secretariat]) await pending(page).getByText('erreur@cgt.test').waitFor({ state: 'detached', timeout: LIVE_MS });

    await sendInvitation('conseillere@cgt.test');
    for (const { page } of [lead, secretariat]) await pending(page).getByText('conseillere@cgt.test').waitFor({ timeout: LIVE_MS });
    await screenshot(secretariat.page, 'live-members-invited');

    // The invitee joins through the mailed link: a member on both pages, the invitation no longer pending.
    const [mail] = await mailTo(demo.server, 'conseillere@cgt.test', { subject: /^Invitation à la négociation/ });
    const invitee = await demo.browser.newContext(options);
    const joining = await invitee.newPage();
    await joining.goto(`${demo.server.url}${mail.link}`);
    await joining.getByLabel('Votre nom').fill('Camille Conseil');
    await joining.getByLabel('Mot de passe (12 caractères au moins)').fill('mot de passe de camille');
    await joining.getByLabel('Confirmez le mot de passe').fill('mot de passe de camille');
    await joining.getByRole('button', { name: 'Rejoindre' }).click();
    await joining.waitForURL((u) => u.pathname.startsWith('/negotiations/'), { timeout: 15_000 });
    for (const { page } of [lead, secretariat]) {
      const camille = row(page, 'Camille Conseil');
      await camille.waitFor({ timeout: LIVE_MS });
      expect(await camille.textContent()).toContain('conseillere@cgt.test');
      await pending(page).getByText('conseillere@cgt.test').waitFor({ state: 'detached', timeout: LIVE_MS });
    }
    // The lead governs the newcomer at once, from the event's member (its membership id).
    await row(lead.page, 'Camille Conseil').getByRole('button', { name: 'Modifier les rôles : Camille Conseil' }).waitFor({ timeout: LIVE_MS });
    await screenshot(lead.page, 'live-members-joined');

    // A change of mandate either way: the lead's on the secretariat's page, the secretariat's on the lead's.
    const leadsRow = row(lead.page, 'Camille Conseil');
    await leadsRow.getByRole('button', { name: 'Modifier les rôles : Camille Conseil' }).click();
    await leadsRow.getByLabel('Signataire').check();
    await leadsRow.getByRole('button', { name: 'Enregistrer' }).click();
    for (const { page } of [lead, secretariat]) await row(page, 'Camille Conseil').getByRole('cell', { name: 'Délégué, Signataire', exact: true }).waitFor({ timeout: LIVE_MS });
    const secretariatsRow = row(secretariat.page, 'Camille Conseil');
    await secretariatsRow.getByRole('button', { name: 'Suspendre : Camille Conseil' }).click();
    await secretariatsRow.getByLabel('Motif de la suspension').fill('Conflit d’intérêts déclaré');
    await secretariatsRow.getByRole('button', { name: 'Suspendre', exact: true }).click();
    for (const { page } of [secretariat, lead]) await row(page, 'Camille Conseil').getByText(/Suspendu par le secrétariat le .* : Conflit d’intérêts déclaré/).waitFor({ timeout: LIVE_MS });

    expect([listReads(secretariat), listReads(lead)]).toEqual([1, 1]);
    for (const context of [secretariat.context, lead.context, invitee]) await context.close();
  }, 120_000);
});
