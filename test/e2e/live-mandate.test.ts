import { describe, expect, it } from 'vitest';
import type { Role } from '../../shared/access.ts';
import { countApiReads, signIn } from '../helpers/browser.ts';
import { call, login } from '../helpers/auth.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';
import { addMember } from '../helpers/seed.ts';

/** How soon a change of mandate must count on a page already open. */
const LIVE_MS = 2_000;

describe('a change of mandate counts on the pages already open, without a reload', () => {
  const demo = useDemoBrowser();

  it('a CFDT delegate made signatory by the lead is offered to sign at once, and no longer once the role is taken back; the campaign is not read again', async () => {
    const id = demo.ids.negotiations.tempsDeTravail;
    const { membershipId } = await addMember(demo.server, {
      email: 'mandat@cfdt.demo',
      name: 'Léa Garnier',
      negotiationId: id,
      organisationId: demo.ids.organisations.CFDT,
      roles: ['delegate'],
    });
    const secretariat = await login(demo.server, 'secretariat@axess.demo');
    expect((await call(demo.server, `/negotiations/${id}/signature/open`, { cookie: secretariat, body: { signatureDeadline: '2099-06-30' } })).status).toBe(201);

    const context = await demo.browser.newContext({ viewport: { width: 1500, height: 1000 }, locale: 'fr-FR' });
    const reads = countApiReads(context);
    const page = await signIn(context, demo.server.url, 'mandat@cfdt.demo', `/negotiations/${id}/signature`);
    await page.getByTestId('campaign-state').filter({ hasText: 'Ouvert à la signature' }).waitFor({ timeout: 15_000 });
    const sign = page.getByRole('button', { name: 'Signer l’accord' });
    expect(await sign.count()).toBe(0);
    const campaignReads = () => reads.filter((p) => p === `/api/negotiations/${id}/signature`).length;
    expect(campaignReads()).toBe(1);

    const lead = await login(demo.server, 'delegue@cfdt.demo');
    const setRoles = async (roles: Role[]) =>
      expect((await call(demo.server, `/negotiations/${id}/members/${membershipId}`, { method: 'PATCH', cookie: lead, body: { roles } })).status).toBe(204);

    await setRoles(['delegate', 'signatory']);
    await sign.waitFor({ timeout: LIVE_MS });
    await setRoles(['delegate']);
    await sign.waitFor({ state: 'detached', timeout: LIVE_MS });
    expect(campaignReads()).toBe(1);
    await context.close();
  });

  it('a CFDT lead whose lead role another lead takes back loses the members controls at once, without the members being read again', async () => {
    const id = demo.ids.negotiations.tempsDeTravail;
    const { membershipId } = await addMember(demo.server, {
      email: 'coresponsable@cfdt.demo',
      name: 'Hugo Lemaire',
      negotiationId: id,
      organisationId: demo.ids.organisations.CFDT,
      roles: ['delegate', 'lead'],
    });
    const context = await demo.browser.newContext({ viewport: { width: 1500, height: 1000 }, locale: 'fr-FR' });
    const reads = countApiReads(context);
    const page = await signIn(context, demo.server.url, 'coresponsable@cfdt.demo', `/negotiations/${id}/members`);
    const membersReads = () => reads.filter((p) => p === `/api/negotiations/${id}/members`).length;
    const grant = page.getByRole('button', { name: /^Modifier les rôles : / });
    const invite = page.getByRole('region', { name: 'Inviter une personne' });
    await grant.first().waitFor({ timeout: 15_000 });
    await invite.waitFor();
    expect(membersReads()).toBe(1);

    const lead = await login(demo.server, 'delegue@cfdt.demo');
    expect((await call(demo.server, `/negotiations/${id}/members/${membershipId}`, { method: 'PATCH', cookie: lead, body: { roles: ['delegate'] } })).status).toBe(204);
    await grant.first().waitFor({ state: 'detached', timeout: LIVE_MS });
    await invite.waitFor({ state: 'detached', timeout: LIVE_MS });
    expect(await page.getByRole('button', { name: /^Révoquer : / }).count()).toBe(0);
    // The list stays, with the change it saw: the new roles in its row.
    await page.getByRole('row').filter({ hasText: 'Hugo Lemaire' }).getByRole('cell', { name: 'Délégué', exact: true }).waitFor({ timeout: LIVE_MS });
    expect(membersReads()).toBe(1);
    await context.close();
  });
});
