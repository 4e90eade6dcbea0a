import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Role } from '../../shared/access.ts';
import { countApiReads, signIn } from '../helpers/browser.ts';
import { call, login } from '../helpers/auth.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';
import { addMember } from '../helpers/seed.ts';

/** How soon a change of mandate must count on a page already open. */
const LIVE_MS = 2_000;

describe('a change of mandate counts on the pages already open, without a reload', () => {
  const demo = useDemoBrowser();
  const id = () => demo.ids.negotiations.tempsDeTravail;

  /** A CFDT member of the negotiation with these roles; its membership id. */
  async function cfdtMember(email: string, name: string, roles: Role[]): Promise<string> {
    const added = await addMember(demo.server, { email, name, negotiationId: id(), organisationId: demo.ids.organisations.CFDT, roles });
    return added.membershipId;
  }

  /** `email` signed in on `path` in a browser of their own, and the API reads (paths) it makes. */
  async function pageOf(email: string, path: string): Promise<{ page: Page; reads: string[]; context: BrowserContext }> {
    const context = await demo.browser.newContext({ viewport: { width: 1500, height: 1000 }, locale: 'fr-FR' });
    const reads = countApiReads(context);
    return { page: await signIn(context, demo.server.url, email, path), reads, context };
  }

  /** The CFDT lead gives a member of the CFDT these roles. */
  async function setRoles(membershipId: string, roles: Role[]): Promise<void> {
    const lead = await login(demo.server, 'delegue@cfdt.demo');
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
});
