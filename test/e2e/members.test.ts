import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { screenshot, signIn } from '../helpers/browser.ts';
import { mailTo } from '../helpers/mailbox.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 15_000 });

/**
 * The members screen as its two kinds of users see it: the secretariat (every delegation,
 * convenes an absent organisation by inviting its first lead, suspends a mandate with a
 * reason, governs nobody else's people) and a delegation lead (their own delegation only:
 * invites, grants roles including the signature, asks a reset that goes to the person).
 */
describe('the members screen, secretariat and delegation lead, in a browser', () => {
  const demo = useDemoBrowser();
  let negotiationId: string;
  const contexts: BrowserContext[] = [];
  const open = async (email: string, path: string): Promise<Page> => {
    const context = await demo.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    contexts.push(context);
    return signIn(context, demo.server.url, email, path);
  };
  const row = (page: Page, name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(name) }) });

  beforeAll(async () => {
    negotiationId = demo.ids.negotiations.tempsDeTravail;
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
  });

  it('the secretariat sees every delegation, governs none, and convenes CFE-CGC by inviting its first lead; the committee hears of it; the link goes by mail only', async () => {
    const page = await open('secretariat@axess.demo', `/negotiations/${negotiationId}/members`);
    await page.getByRole('heading', { name: 'Membres de la négociation' }).waitFor();
    for (const name of ['Nadia Benali', 'Thomas Lefèvre', 'Isabelle Moreau', 'Karim Haddad']) await visible(row(page, name));
    // Nobody else's people: no roles, no password link, no revocation; a suspension only.
    const cgt = row(page, 'Thomas Lefèvre');
    expect(await cgt.getByRole('button', { name: /^Modifier les rôles/ }).count()).toBe(0);
    expect(await cgt.getByRole('button', { name: /^Envoyer à la personne un lien/ }).count()).toBe(0);
    expect(await cgt.getByRole('button', { name: /^Révoquer/ }).count()).toBe(0);
    await visible(cgt.getByRole('button', { name: 'Suspendre : Thomas Lefèvre' }));

    const invite = page.getByRole('region', { name: 'Inviter le premier responsable d’une organisation' });
    await visible(invite.getByText('Rôle : responsable de délégation.'));
    await invite.getByLabel('E-mail').fill('responsable@cfecgc.test');
    await invite.getByLabel('Organisation').selectOption({ label: 'CFE-CGC — premier responsable' });
    await invite.getByRole('button', { name: 'Envoyer l’invitation' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Invitation envoyée par e-mail à responsable@cfecgc.test.' }));
    const pending = page.getByRole('region', { name: 'Invitations en attente' });
    await visible(pending.getByText('responsable@cfecgc.test'));
    await screenshot(page, 'members-secretariat');
    // The link is in the invitee's mailbox, nowhere on the secretariat's screen.
    expect(await page.content()).not.toMatch(/\/invitations\/[A-Za-z0-9_-]{20,}/);
    const [mail] = await mailTo(demo.server, 'responsable@cfecgc.test', { subject: /^Invitation à la négociation/ });
    expect(mail.link).not.toBeNull();

    // The secretariat's view of what was mailed: who, what, its state, never the body or the link.
    await page.goto(`${demo.server.url}/negotiations/${negotiationId}`);
    await page.getByRole('link', { name: 'Courriels envoyés' }).click();
    await page.getByRole('heading', { name: 'Courriels de la négociation' }).waitFor();
    const sent = page.getByRole('row').filter({ hasText: 'responsable@cfecgc.test' });
    await visible(sent.getByRole('rowheader', { name: /^Invitation à la négociation « Accord relatif au temps de travail/ }));
    await visible(sent.getByText(/^Envoyé le /));
    await visible(page.getByText(/Aucun serveur de messagerie n’est configuré/));
    expect(await page.content()).not.toMatch(/\/invitations\/[A-Za-z0-9_-]{20,}/);
    await screenshot(page, 'members-outbox');
    // An unknown address, signed in: « page introuvable », not a spinner.
    await page.goto(`${demo.server.url}/negotiations/${negotiationId}/nulle-part`);
    await page.getByRole('heading', { name: 'Page introuvable.' }).waitFor();

    // The committee hears that CFE-CGC was convened: another organisation's delegate, in the activity feed.
    const cgtPage = await open('delegue@cgt.demo', `/negotiations/${negotiationId}/text`);
    await visible(cgtPage.getByTestId('activity-feed').getByText('Le secrétariat a invité le premier responsable de délégation de CFE-CGC'));
    await screenshot(cgtPage, 'members-first-lead-announced');
  });

  it('the secretariat suspends a mandate with a reason, and lifts it', async () => {
    const page = await open('secretariat@axess.demo', `/negotiations/${negotiationId}/members`);
    const sud = row(page, 'Karim Haddad');
    await sud.getByRole('button', { name: 'Suspendre : Karim Haddad' }).click();
    await sud.getByLabel('Motif de la suspension').fill('Propos injurieux en séance du 12 mars');
    await sud.getByRole('button', { name: 'Suspendre', exact: true }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Mandat de Karim Haddad (SUD) suspendu' }));
    await visible(sud.getByText(/Suspendu par le secrétariat le .* : Propos injurieux en séance du 12 mars/));
    await screenshot(page, 'members-suspended');
    await sud.getByRole('button', { name: 'Lever la suspension : Karim Haddad' }).click();
    await visible(sud.getByRole('button', { name: 'Suspendre : Karim Haddad' }));
  });

  it('the CFDT lead sees the CFDT delegation only, invites a signatory, changes roles and has a reset mailed to the person', async () => {
    const page = await open('delegue@cfdt.demo', `/negotiations/${negotiationId}/members`);
    await page.getByRole('heading', { name: 'Délégation CFDT' }).waitFor();
    await visible(row(page, 'Nadia Benali'));
    expect(await row(page, 'Thomas Lefèvre').count()).toBe(0);
    expect(await page.getByText('delegue@cgt.demo').count()).toBe(0);

    const invite = page.getByRole('region', { name: 'Inviter une personne' });
    await invite.getByLabel('E-mail').fill('juriste@cfdt.test');
    await invite.getByLabel('Délégué').check();
    await invite.getByLabel('Signataire').check();
    await invite.getByRole('button', { name: 'Envoyer l’invitation' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Invitation envoyée par e-mail à juriste@cfdt.test.' }));
    const [mail] = await mailTo(demo.server, 'juriste@cfdt.test', { subject: /^Invitation à la négociation/ });
    expect(mail.text).toMatch(/pour CFDT .* avec le mandat : délégué, signataire/);
    expect(await page.content()).not.toMatch(/\/invitations\/[A-Za-z0-9_-]{20,}/);

    // The person joins through the mailed link; the lead then narrows their roles.
    const joined = await (await demo.browser.newContext({ locale: 'fr-FR' })).newPage();
    await joined.goto(`${demo.server.url}${mail.link}`);
    await joined.getByLabel('Votre nom').fill('Léa Juriste');
    await joined.getByLabel('Mot de passe (12 caractères au moins)').fill('mot de passe de léa');
    await joined.getByLabel('Confirmez le mot de passe').fill('mot de passe de léa');
    await joined.getByRole('button', { name: 'Rejoindre' }).click();
    await joined.waitForURL((u) => u.pathname.startsWith('/negotiations/'));
    await joined.context().close();

    await page.reload();
    const lea = row(page, 'Léa Juriste');
    await visible(lea);
    await lea.getByRole('button', { name: 'Modifier les rôles : Léa Juriste' }).click();
    await lea.getByLabel('Signataire').uncheck();
    await lea.getByRole('button', { name: 'Enregistrer' }).click();
    await visible(lea.getByRole('cell', { name: 'Délégué', exact: true }));

    await lea.getByRole('button', { name: 'Envoyer à la personne un lien pour choisir un nouveau mot de passe : Léa Juriste' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Un lien pour choisir un nouveau mot de passe a été envoyé par e-mail à Léa Juriste (juriste@cfdt.test).' }));
    await mailTo(demo.server, 'juriste@cfdt.test', { subject: /^Choisir un nouveau mot de passe$/ });
    expect(await page.content()).not.toMatch(/\/invitations\/[A-Za-z0-9_-]{20,}/);
    await screenshot(page, 'members-lead');
  }, 120_000);
});
