import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAkomaNtoso } from '../../server/export/akoma-ntoso.ts';
import { fingerprint } from '../../server/export/canonical-json.ts';
import { makeSignedSnapshot } from '../helpers/snapshot-fixture.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SCHEMA = resolve(projectRoot, '../shared/akn/akomantoso30.xsd');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'export-akn-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** xmllint's verdict on a document against the Akoma Ntoso 3.0 schema. */
function validate(xml: string, name = 'export.xml'): { valid: boolean; errors: string } {
  const file = join(dir, name);
  writeFileSync(file, xml);
  const result = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, file], { encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('xmllint est introuvable : installez libxml2-utils (apt-get install libxml2-utils), comme le fait .ci/run.');
  }
  return { valid: result.status === 0, errors: result.stderr };
}

describe('the Akoma Ntoso export of the 2023 CPPNI avenant', () => {
  it('validates against the Akoma Ntoso 3.0 schema', () => {
    const sut = validate(renderAkomaNtoso(makeSignedSnapshot()));
    expect(sut.errors).toMatch(/validates/);
    expect(sut.valid).toBe(true);
  });

  it('is checked by a validator that does reject an invalid act', () => {
    const broken = renderAkomaNtoso(makeSignedSnapshot()).replace(/<FRBRcountry [^>]*\/>/, '');
    expect(validate(broken, 'broken.xml').valid).toBe(false);
  });

  it('identifies the work, its French expression and this manifestation', () => {
    const sut = renderAkomaNtoso(makeSignedSnapshot());
    expect(sut).toContain('<FRBRuri value="/akn/fr/act/accord/2023-09-26/650000000000000000000001"/>');
    expect(sut).toContain('<FRBRcountry value="fr"/>');
    expect(sut).toContain('<FRBRlanguage language="fra"/>');
    expect(sut).toContain('<FRBRdate date="2023-09-26" name="signature"/>');
  });

  it('holds the text: title, parties, titres, articles, place, date and signatures', () => {
    const sut = renderAkomaNtoso(makeSignedSnapshot());
    expect(sut).toContain('<docTitle>Avenant n° 1 à l’accord du 12 juillet 2021');
    expect(sut).toMatch(/<party refersTo="#org_cgt" as="#union">Fédération CGT/);
    expect(sut).toMatch(/<title eId="title_1">\s*<num>Titre I<\/num>\s*<heading>Composition et missions de la commission<\/heading>/);
    expect(sut).toMatch(/<article eId="art_4">\s*<num>Article 4<\/num>\s*<heading>Moyens des organisations syndicales<\/heading>/);
    expect(sut).toMatch(/<td>\s*<p>Dans la limite de 20,70 € par repas<\/p>\s*<\/td>/);
    expect(sut).toContain('Fait à <location refersTo="#place">Paris</location>, le <date date="2023-09-26">26 septembre 2023</date>');
    expect(sut).toContain('<person refersTo="#person_cfdt" as="#signatory">Nadia Benali</person>');
    expect(sut).toContain('Pour <organization refersTo="#org_sud">SUD</organization> : non signataire');
  });

  it('carries the fingerprint and the validity assessment in its metadata', () => {
    const snapshot = makeSignedSnapshot();
    const sut = renderAkomaNtoso(snapshot);
    expect(sut).toContain(`<neg:fingerprint algorithm="sha256" of="canonical-json">${fingerprint(snapshot)}</neg:fingerprint>`);
    expect(sut).toContain('<neg:validity status="void" signatureWeight="38.5" oppositionWeight="61.5" oppositionDeadline="2023-10-13">');
    expect(sut).toContain('<neg:statusLabel xml:lang="fr">réputé non écrit</neg:statusLabel>');
    expect(sut).toContain('<neg:opposition party="#org_fo" at="2023-10-11" signatory="Isabelle Moreau"/>');
  });

  it('escapes markup and drops characters XML cannot hold, and still validates', () => {
    const snapshot = makeSignedSnapshot();
    snapshot.text.title = 'Avenant <n° 2> & « quotes " \' » \u0007fin';
    snapshot.parties[2].fullName = 'CGT & <associés> "unis"';
    snapshot.text.titres[0].chapitres[0].articles[0].heading = 'Texte ]]> & <b>gras</b>';
    const sut = renderAkomaNtoso(snapshot);
    expect(sut).toContain('<docTitle>Avenant &lt;n° 2&gt; &amp; « quotes " \' » fin</docTitle>');
    expect(sut).toContain('showAs="CGT &amp; &lt;associés&gt; &quot;unis&quot;"');
    expect(sut).toContain('<heading>Texte ]]&gt; &amp; &lt;b&gt;gras&lt;/b&gt;</heading>');
    expect(validate(sut, 'escaped.xml').valid).toBe(true);
  });

  it('writes a text without titres as bare articles, and chapitres as chapters, both valid', () => {
    const flat = makeSignedSnapshot();
    const articles = flat.text.titres.flatMap((t) => t.chapitres.flatMap((c) => c.articles));
    flat.text.titres = [{ number: null, heading: null, chapitres: [{ number: null, heading: null, articles }] }];
    const flatXml = renderAkomaNtoso(flat);
    expect(flatXml).toMatch(/<body>\s*<article eId="art_1">/);
    expect(validate(flatXml, 'flat.xml').valid).toBe(true);

    const chaptered = makeSignedSnapshot();
    chaptered.text.titres[1].chapitres = [
      { number: '1', heading: 'Réunions', articles: [articles[2]] },
      { number: '2', heading: 'Moyens', articles: [{ ...articles[3], number: '4 bis' }] },
    ];
    const chapteredXml = renderAkomaNtoso(chaptered);
    expect(chapteredXml).toMatch(/<chapter eId="title_2__chp_2">\s*<num>Chapitre 2<\/num>\s*<heading>Moyens<\/heading>\s*<article eId="art_4bis">/);
    expect(validate(chapteredXml, 'chaptered.xml').valid).toBe(true);
  });

  it('is the same text for the same snapshot', () => {
    expect(renderAkomaNtoso(makeSignedSnapshot())).toBe(renderAkomaNtoso(makeSignedSnapshot()));
  });
});
