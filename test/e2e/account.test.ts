import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Locator } from 'playwright-core';
import { userModel } from '../../server/auth/user.model.ts';
import { membershipModel } from '../../server/negotiations/membership.model.ts';
import { call, DEMO_PASSWORD, login } from '../helpers/auth.ts';
import { screenshot, signIn } from '../helpers/browser.ts';
import { linkMailedTo, mailTo } from '../helpers/mailbox.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 15_000 });

/**
 * One's own account in a browser: a new password and a new email (each asking for the
 * current password), « mot de passe oublié » from the sign-in page to the mailed link, and a
 * tab whose access ended behind it saying so plainly instead of waiting for ever.
 */
describe('my account, a forgotten password and access ending, in a browser', () => {
  const demo = useDemoBrowser();
  const contexts: BrowserContext[] = [];
  const newContext = async () => {
    const context = await demo.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    contexts.push(context);
    return context;
  };

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
  });

  it('a new password asks for the current one, ends the other tab’s session (editor open) with a clear message and the sign-in page, and is mailed', async () => {
    const negotiationId = demo.ids.negotiations.tempsDeTravail;
    // Another browser of the same person, with the live text open (Socket.IO and Yjs).
    const elsewhere = await signIn(await newContext(), demo.server.url, 'delegue@cfdt.demo', `/negotiations/${negotiationId}/text`);
    await visible(elsewhere.locator('.ProseMirror').first());

    const page = await signIn(await newContext(), demo.server.url, 'delegue@cfdt.demo', '/');
    await page.getByRole('link', { name: 'Mon compte' }).click();
    await page.getByRole('heading', { name: 'Mon compte' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/compte');
    const form = page.getByRole('region', { name: 'Changer de mot de passe' });

    // Too short, then mismatched: said before anything is sent.
    await form.getByLabel('Mot de passe actuel').fill(DEMO_PASSWORD);
    await form.getByLabel('Nouveau mot de passe', { exact: true }).fill('court');
    await form.getByLabel('Nouveau mot de passe (confirmation)').fill('court');
    await form.getByRole('button', { name: 'Changer de mot de passe' }).click();
    await visible(form.getByRole('alert').filter({ hasText: 'Le nouveau mot de passe doit compter 12 caractères au moins.' }));

    // A wrong current password changes nothing.
    await form.getByLabel('Mot de passe actuel').fill('pas-le-bon-mot-de-passe');
    await form.getByLabel('Nouveau mot de passe', { exact: true }).fill('un nouveau mot de passe sûr');
    await form.getByLabel('Nouveau mot de passe (confirmation)').fill('un nouveau mot de passe sûr');
    await form.getByRole('button', { name: 'Changer de mot de passe' }).click();
    await visible(form.getByRole('alert').filter({ hasText: 'Mot de passe actuel incorrect : rien n’a été changé.' }));
    await screenshot(page, 'account-wrong-password');
    expect(elsewhere.url()).toContain('/text');

    await form.getByLabel('Mot de passe actuel').fill(DEMO_PASSWORD);
    await form.getByLabel('Nouveau mot de passe', { exact: true }).fill('un nouveau mot de passe sûr');
    await form.getByLabel('Nouveau mot de passe (confirmation)').fill('un nouveau mot de passe sûr');
    await form.getByRole('button', { name: 'Changer de mot de passe' }).click();
    await visible(form.getByRole('status').filter({ hasText: 'Mot de passe changé.' }));
    await screenshot(page, 'account-password-changed');

    // The other browser is told at once and brought to the sign-in page, where it comes back after signing in.
    await visible(elsewhere.getByRole('alert').filter({ hasText: 'Votre session a pris fin' }));
    await elsewhere.waitForURL((u) => u.pathname === '/login');
    await elsewhere.getByRole('heading', { name: 'Connexion' }).waitFor();
    expect(new URL(elsewhere.url()).searchParams.get('next')).toBe(`/negotiations/${negotiationId}/text`);
    await screenshot(elsewhere, 'account-session-ended-elsewhere');
    // The old password no longer opens it; the new one does, and goes back to the text.
    await elsewhere.getByLabel('Adresse e-mail').fill('delegue@cfdt.demo');
    await elsewhere.getByLabel('Mot de passe').fill('un nouveau mot de passe sûr');
    await elsewhere.getByRole('button', { name: 'Se connecter' }).click();
    await elsewhere.waitForURL((u) => u.pathname === `/negotiations/${negotiationId}/text`);
    expect(await elsewhere.getByRole('alert').filter({ hasText: 'Votre session a pris fin' }).count()).toBe(0);

    // This tab stays signed in.
    expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(200);
    const [mail] = await mailTo(demo.server, 'delegue@cfdt.demo', { subject: /^Votre mot de passe a été changé$/ });
    expect(mail.text).toMatch(/Vos autres sessions ont été fermées/);
  }, 150_000);

  it('a new email asks for the password and is told to both addresses; signing out here is no « session ended » news', async () => {
    const page = await signIn(await newContext(), demo.server.url, 'delegue@sud.demo', '/compte');
    const form = page.getByRole('region', { name: 'Changer d’adresse e-mail' });
    await form.getByLabel('Nouvelle adresse e-mail').fill('karim.haddad@sud.demo');
    await form.getByLabel('Mot de passe actuel').fill('pas-le-bon-mot-de-passe');
    await form.getByRole('button', { name: 'Changer d’adresse' }).click();
    await visible(form.getByRole('alert').filter({ hasText: 'Mot de passe actuel incorrect' }));
    await form.getByLabel('Mot de passe actuel').fill(DEMO_PASSWORD);
    await form.getByRole('button', { name: 'Changer d’adresse' }).click();
    await visible(form.getByRole('status').filter({ hasText: 'Votre adresse est désormais karim.haddad@sud.demo.' }));
    await visible(page.getByText('Connecté en tant que Karim Haddad (karim.haddad@sud.demo).'));
    await screenshot(page, 'account-email-changed');
    await mailTo(demo.server, 'delegue@sud.demo', { subject: /^Votre adresse e-mail a été changée$/ });
    await mailTo(demo.server, 'karim.haddad@sud.demo', { subject: /^Votre adresse e-mail a été changée$/ });

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await page.getByText('Votre session a pris fin').count()).toBe(0);
  });

  it('« mot de passe oublié »: the sign-in page sends the link to the person’s address; the link sets a new password and signs in', async () => {
    const page = await (await newContext()).newPage();
    await page.goto(`${demo.server.url}/login`);
    await page.getByRole('button', { name: 'Mot de passe oublié ?' }).click();
    await page.getByRole('heading', { name: 'Mot de passe oublié ?' }).waitFor();
    await page.getByLabel('Adresse e-mail').fill('delegue@fo.demo');
    await page.getByRole('button', { name: 'Recevoir le lien' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Si un compte existe pour cette adresse, un lien vient d’y être envoyé.' }));
    await screenshot(page, 'forgot-password-sent');

    // The link is in the person's mailbox only.
    const link = await linkMailedTo(demo.server, 'delegue@fo.demo', /^Choisir un nouveau mot de passe$/);
    await page.goto(`${demo.server.url}${link}`);
    await page.getByRole('heading', { name: 'Choisir un nouveau mot de passe' }).waitFor();
    await visible(page.getByText('Choisissez un nouveau mot de passe pour delegue@fo.demo.'));
    await page.getByLabel('Mot de passe (12 caractères au moins)').fill('oublié puis retrouvé');
    await page.getByLabel('Confirmez le mot de passe').fill('oublié puis retrouvé');
    await screenshot(page, 'forgot-password-choose');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await page.getByRole('heading', { name: 'Mes négociations' }).waitFor();

    // The new password signs in; the old one and the used link no longer work.
    expect((await call(demo.server, '/auth/login', { body: { email: 'delegue@fo.demo', password: DEMO_PASSWORD } })).status).toBe(401);
    await login(demo.server, 'delegue@fo.demo', 'oublié puis retrouvé');
    const again = await (await newContext()).newPage();
    await again.goto(`${demo.server.url}${link}`);
    await visible(again.getByRole('alert'));
    await screenshot(again, 'forgot-password-link-used');
  });

  it('a mandate suspended while its page is open: the tab says the mandate ended and leaves the negotiation', async () => {
    const negotiationId = demo.ids.negotiations.tempsDeTravail;
    const page = await signIn(await newContext(), demo.server.url, 'delegue@cgt.demo', `/negotiations/${negotiationId}/text`);
    // Loaded again, as a tab opened with the session already there: the sign-in page's code (and
    // its words) never ran in it, and the notice is the shell's.
    await page.reload();
    await visible(page.locator('.ProseMirror').first());

    const connection = demo.server.app.context.db.connection;
    const user = await userModel(connection).findOne({ email: 'delegue@cgt.demo' }).lean();
    const membership = await membershipModel(connection).findOne({ negotiationId, userId: String(user!._id) }).lean();
    const suspended = await call(demo.server, `/negotiations/${negotiationId}/members/${String(membership!._id)}/suspension`, {
      cookie: await login(demo.server, 'secretariat@axess.demo'),
      body: { reason: 'Mandat contesté par la fédération.' },
    });
    expect(suspended.status).toBeLessThan(300);

    await visible(page.getByRole('alert').filter({ hasText: 'Votre mandat dans cette négociation a pris fin' }));
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByRole('heading', { name: 'Mes négociations' }).waitFor();
    await screenshot(page, 'access-mandate-ended');
    await page.getByRole('button', { name: 'Fermer' }).click();
    expect(await page.getByText('Votre mandat dans cette négociation a pris fin').count()).toBe(0);
  });
});
