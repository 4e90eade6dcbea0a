import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../server/export/canonical-json.ts';
import { renderPdf } from '../../server/export/pdf.ts';
import { chooseFonts, toWinAnsi } from '../../server/export/pdf-fonts.ts';
import { makeSignedSnapshot } from '../helpers/snapshot-fixture.ts';

/** Runs a poppler tool; a missing tool fails the test with what to install (CI installs it). */
function run(tool: string, args: string[]): string {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${tool} est introuvable : installez poppler-utils (apt-get install poppler-utils), comme le fait .ci/run.`);
  }
  if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} a échoué (${result.status}) : ${result.stderr}`);
  return result.stdout;
}

/** pdftotext keeps line breaks and non-breaking spaces; the assertions read words. */
const words = (text: string) => text.replace(/[\s\u00a0]+/g, ' ');

describe('the PDF export of the 2023 CPPNI avenant', () => {
  const snapshot = makeSignedSnapshot();
  const expectedFingerprint = fingerprint(snapshot);
  let dir: string;
  let file: string;
  let sut: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'export-pdf-'));
    sut = await renderPdf(snapshot);
    file = join(dir, 'avenant.pdf');
    writeFileSync(file, sut);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a PDF, the same bytes for the same snapshot', async () => {
    expect(sut.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await renderPdf(makeSignedSnapshot())).equals(sut)).toBe(true);
  });

  it('renders to page images', () => {
    run('pdftoppm', ['-png', '-r', '60', file, join(dir, 'page')]);
    const pages = readdirSync(dir).filter((f) => f.startsWith('page') && f.endsWith('.png'));
    const pageCount = Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [file]))?.[1]);
    expect(pageCount).toBeGreaterThanOrEqual(3);
    expect(pages).toHaveLength(pageCount);
    for (const page of pages) expect(readFileSync(join(dir, page)).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('reads as a French agreement: title, parties, articles, place and date, signatories', () => {
    const text = words(run('pdftotext', ['-layout', file, '-']));
    expect(text).toContain('Avenant n° 1 à l’accord du 12 juillet 2021');
    expect(text).toContain('Entre :');
    expect(text).toContain('d’une part,');
    expect(text).toContain('d’autre part,');
    expect(text).toContain('Préambule');
    expect(text).toContain('TITRE I');
    expect(text).toContain('Article 4 – Moyens des organisations syndicales');
    expect(text).toContain('Fait à Paris, le 26 septembre 2023');
    expect(text).toContain('Pour AXESS');
    expect(text).toContain('Claire Marchand');
    expect(text).toContain('Pour CFDT');
    expect(text).toContain('Nadia Benali');
    expect(text.match(/Non signataire/g)).toHaveLength(5);
  });

  it('ends with the validity annex and carries the fingerprint and page numbers', () => {
    const text = words(run('pdftotext', ['-layout', file, '-']));
    expect(text).toContain('Statut : réputé non écrit');
    expect(text).toContain('38,50 %');
    expect(text).toContain('61,50 %');
    expect(text).toContain('au moins 30 %');
    expect(text).toContain('plus de 50 %');
    expect(text).toContain('13 octobre 2023');
    expect(text).toContain(expectedFingerprint);
    expect(text).toMatch(/Page 1 \/ \d/);
  });

  it('names the fingerprint in its metadata', () => {
    const info = run('pdfinfo', [file]);
    expect(info).toMatch(/Title:\s+Avenant n° 1/);
    expect(info).toContain(`Subject:         Avenant n° 1 à l’accord CPPNI – empreinte SHA-256 ${expectedFingerprint}`);
    expect(info).toMatch(/CreationDate:\s+Tue Sep 26 09:00:00 2023/);
  });
});

describe('the PDF fonts', () => {
  it('print French with the standard fonts: accents, guillemets, œ, €, no-break spaces', () => {
    const french = 'Œuvre « à l’été » : 20,70\u00a0€ – n°\u00a01';
    expect(toWinAnsi(french)).toBe(french);
    expect(chooseFonts(french).regular).toBe('Times-Roman');
  });

  it('fold the narrow no-break space and hyphens without losing anything', () => {
    expect(toWinAnsi('«\u202fmot\u202f» ; non\u2011signataire')).toBe('«\u00a0mot\u00a0» ; non-signataire');
    expect(chooseFonts('«\u202fmot\u202f»').regular).toBe('Times-Roman');
  });

  it('embed DejaVu for what WinAnsi lacks, or print a visible substitute', async () => {
    const snapshot = makeSignedSnapshot();
    snapshot.signatures[1].signatory = 'Zoë Łukaszewicz';
    snapshot.assessment.reasons = ['Test de signature : 38,50\u202f% ≥ 30\u202f%.'];
    const dejavu = existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf');
    const dir = mkdtempSync(join(tmpdir(), 'export-pdf-fonts-'));
    try {
      const file = join(dir, 'unicode.pdf');
      writeFileSync(file, await renderPdf(snapshot));
      const text = words(run('pdftotext', ['-layout', file, '-']));
      expect(text).toContain(dejavu ? 'Zoë Łukaszewicz' : 'Zoë ?ukaszewicz');
      expect(text).toContain(dejavu ? '38,50 % ≥ 30 %' : '38,50 % >= 30 %');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
