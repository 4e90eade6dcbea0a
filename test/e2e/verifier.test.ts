import { describe, expect, it } from 'vitest';
import { screenshot } from '../helpers/browser.ts';
import { call, login } from '../helpers/auth.ts';
import { useDemoBrowser } from '../helpers/demo-browser.ts';

describe('a stranger verifies a signed file on /verifier, without signing in', () => {
  const demo = useDemoBrowser();

  it('drops the 2023 avenant’s PDF and reads that it is authentic and void since 12 October 2023', async () => {
    // A member exported the file and sent it to the stranger.
    const cookie = await login(demo.server, 'delegue@cfdt.demo');
    const campaign = (await (await call(demo.server, `/negotiations/${demo.ids.negotiations.cppni}/signature`, { cookie })).json()).campaign;
    const pdf = Buffer.from(await (await call(demo.server, `/negotiations/${demo.ids.negotiations.cppni}/versions/${campaign.version.id}/export.pdf`, { cookie })).arrayBuffer());

    const page = await (await demo.browser.newContext()).newPage();
    await page.goto(`${demo.server.url}/verifier`);
    await page.getByRole('heading', { name: 'Vérifier un accord signé' }).waitFor();
    // Drag and drop, as a person does: a DataTransfer carrying the file, dropped on the zone.
    const dataTransfer = await page.evaluateHandle((bytes) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], 'avenant-cppni.pdf', { type: 'application/pdf' }));
      return transfer;
    }, [...pdf]);
    await page.getByTestId('verifier-drop').dispatchEvent('drop', { dataTransfer });
    const verdict = page.getByTestId('verifier-verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toMatch(/^Fichier authentique : version « .+ » de l’accord « Avenant n° 1 .+ », signée le 26 septembre 2023 — aujourd’hui : réputé non écrit depuis le 12 octobre 2023\.$/);
    await screenshot(page, 'verifier-authentic');

    await page.getByTestId('verifier-drop').locator('input[type=file]').setInputFiles({ name: 'faux.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7 pas un export') });
    await page.getByText(/^Fichier non reconnu/).waitFor();
    await screenshot(page, 'verifier-unknown');
  });

  it('an unknown URL says « page introuvable », signed out', async () => {
    const page = await (await demo.browser.newContext()).newPage();
    await page.goto(`${demo.server.url}/verify`);
    await page.getByRole('heading', { name: 'Page introuvable.' }).waitFor();
    await screenshot(page, 'not-found-signed-out');
  });
});
