import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Role } from '../../shared/access.ts';
import { countApiReads, screenshot, signIn } from '../helpers/browser.ts';
import { call, login } from '../helpers/auth.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';
import { addMember } from '../helpers/seed.ts';

/** How soon a change of mandate must count on a page already open. */
const LIVE_MS = 2_000;

describe('a change of mandate counts on the pages already open, without a reload', () => {
  const demo = useDemoBrowser();
  const id = () => demo.ids.negotiations.tempsDeTravail;

  /** A member of the negotiation for `organisation` with these roles; its membership id. */
  async function member(organisation: 'CFDT' | 'AXESS', email: string, name: string, roles: Role[]): Promise<string> {
    const added = await addMember(demo.server, { email, name, negotiationId: id(), organisationId: demo.ids.organisations[organisation], roles });
    return added.membershipId;
  }
  const cfdtMember = (email: string, name: string, roles: Role[]) => member('CFDT', email, name, roles);

  /** `email` signed in on `path` in a browser of their own, and the API reads (paths) it makes. */
  async function pageOf(email: string, path: string): Promise<{ page: Page; reads: string[]; context: BrowserContext }> {
    const context = await demo.browser.newContext({ viewport: { width: 1500, height: 1000 }, locale: 'fr-FR' });
    const reads = countApiReads(context);
    return { page: await signIn(context, demo.server.url, email, path), reads, context };
  }

  /** The organisation's lead (the CFDT's unless told) gives one of its members these roles. */
  async function setRoles(membershipId: string, roles: Role[], leadEmail = 'delegue@cfdt.demo'): Promise<void> {
    const lead = await login(demo.server, leadEmail);
    expect((await call(demo.server, `/negotiations/${id()}/members/${membershipId}`, { method: 'PATCH', cookie: lead, body: { roles } })).status).toBe(204);
  }

  it('a CFDT delegate made signatory by the lead is offered to sign at once, and no longer once the role is taken back; the campaign is not read again', async () => {
    const membershipId = await cfdtMember('mandat@cfdt.demo', 'Léa Garnier', ['delegate']);
    const secretariat = await login(demo.server, 'secretariat@axess.demo');
    expect((await call(demo.server, `/negotiations/${id()}/signature/open`, { cookie: secretariat, body: { signatureDeadline: '2099-06-30' } })).status).toBe(201);

    const { page, reads, context } = await pageOf('mandat@cfdt.demo', `/negotiations/${id()}/signature`);
    await page.getByTestId('campaign-state').filter({ hasText: 'Ouvert à la signature' }).waitFor({ timeout: 15_000 });
    const sign = page.getByRole('button', { name: 'Signer l’accord' });
    expect(await sign.count()).toBe(0);
    const campaignReads = () => reads.filter((p) => p === `/api/negotiations/${id()}/signature`).length;
    expect(campaignReads()).toBe(1);

    await setRoles(membershipId, ['delegate', 'signatory']);
    await sign.waitFor({ timeout: LIVE_MS });
    await setRoles(membershipId, ['delegate']);
    await sign.waitFor({ state: 'detached', timeout: LIVE_MS });
    expect(campaignReads()).toBe(1);
    await context.close();
  });

  it('a CFDT lead whose lead role another lead takes back loses the members controls at once, without the members being read again', async () => {
    const membershipId = await cfdtMember('coresponsable@cfdt.demo', 'Hugo Lemaire', ['delegate', 'lead']);
    const { page, reads, context } = await pageOf('coresponsable@cfdt.demo', `/negotiations/${id()}/members`);
    const membersReads = () => reads.filter((p) => p === `/api/negotiations/${id()}/members`).length;
    const grant = page.getByRole('button', { name: /^Modifier les rôles : / });
    const invite = page.getByRole('region', { name: 'Inviter une personne' });
    await grant.first().waitFor({ timeout: 15_000 });
    await invite.waitFor();
    expect(membersReads()).toBe(1);

    await setRoles(membershipId, ['delegate']);
    await grant.first().waitFor({ state: 'detached', timeout: LIVE_MS });
    await invite.waitFor({ state: 'detached', timeout: LIVE_MS });
    expect(await page.getByRole('button', { name: /^Révoquer : / }).count()).toBe(0);
    // The list stays, with the change it saw: the new roles in its row.
    await page.getByRole('row').filter({ hasText: 'Hugo Lemaire' }).getByRole('cell', { name: 'Délégué', exact: true }).waitFor({ timeout: LIVE_MS });
    expect(membersReads()).toBe(1);
    await context.close();
  });

  it('an AXESS drafter whose pen the lead takes back finds the text read only at once, and writes again once it is given back; the negotiation is not read again', async () => {
    const membershipId = await member('AXESS', 'redactrice@axess.demo', 'Inès Roche', ['negotiator']);
    const articleId = demo.ids.articles.tempsDeTravail[0];
    const { page, reads, context } = await pageOf('redactrice@axess.demo', `/negotiations/${id()}/text?article=${articleId}`);
    const surface = page.getByTestId('article-editor');
    const readOnly = () => surface.getAttribute('aria-readonly');
    await page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor({ timeout: 15_000 });
    await page.locator('#amendments-title').waitFor({ timeout: 15_000 });
    expect(await readOnly()).toBe('false');
    const detailReads = () => reads.filter((p) => p === `/api/negotiations/${id()}`).length;
    expect(detailReads()).toBe(1);

    await setRoles(membershipId, ['signatory'], 'negociateur@axess.demo');
    await page.getByTestId('read-only-note').waitFor({ timeout: LIVE_MS });
    expect(await readOnly()).toBe('true');
    await page.getByTestId('structure-notice').filter({ hasText: 'ne vous permet plus de rédiger' }).waitFor();
    await screenshot(page, 'live-mandate-pen-taken');
    expect(await page.getByRole('button', { name: 'Ajouter un article' }).count()).toBe(0);

    await setRoles(membershipId, ['negotiator'], 'negociateur@axess.demo');
    await page.getByTestId('read-only-note').waitFor({ state: 'detached', timeout: LIVE_MS });
    await page.getByTestId('structure-notice').filter({ hasText: 'vous permet désormais de rédiger' }).waitFor();
    expect(await readOnly()).toBe('false');
    // What the drafter types now reaches the others.
    const lead = await pageOf('negociateur@axess.demo', `/negotiations/${id()}/text?article=${articleId}`);
    await lead.page.getByTestId('article-editor').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor();
    await surface.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Rédigé après le retour de la plume.');
    await lead.page.getByTestId('article-editor').getByText('Rédigé après le retour de la plume.').waitFor({ timeout: 10_000 });
    expect(detailReads()).toBe(1);
    await lead.context.close();
    await context.close();
  });
});
