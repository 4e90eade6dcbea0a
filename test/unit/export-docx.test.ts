import JSZip from 'jszip';
import mammoth from 'mammoth';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../server/export/canonical-json.ts';
import { renderDocx } from '../../server/export/docx.ts';
import { makeSignedSnapshot } from '../helpers/snapshot-fixture.ts';

/** Text without tags or non-breaking spaces, for assertions on words. */
const words = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/[\s\u00a0]+/g, ' ');

describe('the DOCX export of the 2023 CPPNI avenant', () => {
  const snapshot = makeSignedSnapshot();
  const expectedFingerprint = fingerprint(snapshot);
  let sut: Buffer;
  let html: string;

  beforeAll(async () => {
    sut = await renderDocx(snapshot);
    html = (await mammoth.convertToHtml({ buffer: sut })).value.replace(/\u00a0/g, ' ');
  });

  it('opens in a Word reader with the agreement’s headings', () => {
    expect(sut.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(html).toContain('<h1>Préambule</h1>');
    expect(html).toContain('<h1>TITRE I<br />COMPOSITION ET MISSIONS DE LA COMMISSION</h1>');
    expect(html).toContain('<h2>Article 1 – Composition de la commission</h2>');
    expect(html).toContain('<h1>DISPOSITIONS FINALES</h1>');
    expect(html).toContain('<h1>Annexe – Appréciation de la validité</h1>');
    expect(html).toMatch(/<ul><li>d’un collège salarié/);
    expect(words(html)).toContain('Fait à Paris, le 26 septembre 2023');
  });

  it('has the signature block as a table, signatories and non-signatories', () => {
    const table = /<table>(?:(?!<\/table>).)*Pour AXESS(?:(?!<\/table>).)*<\/table>/s.exec(html)?.[0] ?? '';
    expect(table).toContain('Claire Marchand');
    expect(table).toContain('Nadia Benali');
    expect(table.match(/Non signataire/g)).toHaveLength(5);
  });

  it('carries the validity assessment and the fingerprint in the text', () => {
    const text = words(html);
    expect(text).toContain('Statut : réputé non écrit');
    expect(text).toContain('61,50 %');
    expect(text).toContain(expectedFingerprint);
  });

  it('carries the fingerprint in the document’s properties', async () => {
    const zip = await JSZip.loadAsync(sut);
    const core = await zip.file('docProps/core.xml')!.async('string');
    const custom = await zip.file('docProps/custom.xml')!.async('string');
    expect(core).toContain(`sha256:${expectedFingerprint}`);
    expect(custom).toMatch(new RegExp(`name="sha256"[^>]*>\\s*<vt:lpwstr>${expectedFingerprint}</vt:lpwstr>`));
  });
});
