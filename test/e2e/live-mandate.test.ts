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
});
