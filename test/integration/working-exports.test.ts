import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { AmendmentView } from '../../shared/amendments/amendment.ts';
import type { VersionSummary } from '../../shared/text-diff.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login } from '../helpers/auth.ts';
import { addMember, seedDemo, type DemoIds } from '../helpers/seed.ts';
import { command, connect, join, type ClientSocket } from './realtime-client.ts';
import { appendParagraph, connectClient, synced, waitFor, type TestClient } from './yjs-helpers.ts';

/** pdftotext keeps line breaks, hyphenation and no-break spaces: the assertions read words. */
const words = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ');

/** Replaces `from` with `to` inside the article's paragraphs, as an editor's keystrokes do. */
function replaceInText(doc: Y.Doc, from: string, to: string): void {
  for (const node of doc.getXmlFragment('default').toArray()) {
    if (!(node instanceof Y.XmlElement)) continue;
    for (const child of node.toArray()) {
      if (!(child instanceof Y.XmlText)) continue;
      const at = child.toString().indexOf(from);
      if (at < 0) continue;
      doc.transact(() => {
        child.delete(at, from.length);
        child.insert(at, to);
      });
      return;
    }
  }
  throw new Error(`« ${from} » not found`);
}

describe('exports of working versions, comparisons and the amendment book', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  let pauseArticle: string;
  let claire: string; // negociateur@axess.demo
  let paul: string; // a second pen-holder of AXESS
  let delegate: string; // CFDT
  let cgt: ClientSocket;
  let before: VersionSummary;
  let after: VersionSummary;
  const clients: TestClient[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'working-exports-'));

  const get = async (url: string, cookie = delegate): Promise<Buffer> => {
    const response = await call(server, url, { cookie });
    expect(response.status, `${url}: ${response.status}`).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };
  /** The text of a PDF; tables are read cell by cell (not side by side) unless `layout`. */
  const pdfText = (name: string, bytes: Buffer, layout = true) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return words(execFileSync('pdftotext', [...(layout ? ['-layout'] : []), file, '-'], { encoding: 'utf8' }));
  };
  const documentXml = async (bytes: Buffer) => {
    fs.writeFileSync(path.join(dir, 'comparison.docx'), bytes);
    return (await JSZip.loadAsync(bytes)).file('word/document.xml')!.async('string');
  };
  const version = async (cookie: string, name: string) => {
    const response = await call(server, `/negotiations/${negotiationId}/versions`, { cookie, body: { name } });
    expect(response.status).toBe(201);
    return (await response.json()) as VersionSummary;
  };

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
    pauseArticle = ids.articles.tempsDeTravail[3];
    await addMember(server, { email: 'paul@axess.demo', name: 'Paul Girard', negotiationId, organisationId: ids.organisations.AXESS, roles: ['negotiator'] });
    claire = await login(server, 'negociateur@axess.demo');
    paul = await login(server, 'paul@axess.demo');
    delegate = await login(server, 'delegue@cfdt.demo');

    before = await version(claire, 'Avant séance');
    // Claire replaces words, Paul adds a paragraph: two authors, each change in their name.
    const pen = connectClient(server.url, `article:${pauseArticle}`, claire);
    const second = connectClient(server.url, `article:${pauseArticle}`, paul);
    clients.push(pen, second);
    await Promise.all([synced(pen), synced(second)]);
    replaceInText(pen.doc, 'vingt minutes', 'trente minutes');
    await waitFor(() => second.text().includes('trente minutes'), 10_000, 'Claire’s change at Paul’s');
    appendParagraph(second.doc, 'La pause est prise hors de la présence des usagers.');
    await waitFor(() => pen.text().includes('hors de la présence'), 10_000, 'Paul’s paragraph at Claire’s');
    after = await version(claire, 'Après séance');

    // One tabled amendment, by the CGT, on the pause article.
    cgt = await connect(server, await login(server, 'delegue@cgt.demo'));
    await join(cgt, negotiationId, 0);
    const ack = await command<AmendmentView>(cgt, 'amendment:table', {
      negotiationId,
      articleId: pauseArticle,
      content: { kind: 'replace-words', from: 'six heures', to: 'cinq heures' },
      justification: 'La fatigue vient plus tôt dans le soin.',
    });
    if (!ack.ok) throw new Error(`${ack.error.code} ${ack.error.message}`);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    cgt?.close();
    await server?.close();
    // WORKING_EXPORTS_KEEP=1 keeps the files, to look at them (pdftoppm, LibreOffice).
    if (process.env.WORKING_EXPORTS_KEEP) console.log(`exports kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a manual version exports as PDF and DOCX, saying « document de travail — non signé » and with no signature block', async () => {
    const pdf = pdfText('version.pdf', await get(`/negotiations/${negotiationId}/versions/${before.id}/export.pdf`));
    expect(pdf).toContain('DOCUMENT DE TRAVAIL — NON SIGNÉ');
    expect(pdf).toContain('Version « Avant séance »');
    expect(pdf).toContain('vingt minutes consécutives');
    expect(pdf).not.toContain('Fait à');
    const { value } = await mammoth.extractRawText({ buffer: await get(`/negotiations/${negotiationId}/versions/${after.id}/export.docx`) });
    expect(words(value)).toContain('DOCUMENT DE TRAVAIL — NON SIGNÉ');
    expect(words(value)).toContain('trente minutes consécutives');
    expect(words(value)).toContain('hors de la présence des usagers');
  });

  it('the text in progress exports too; an unknown version or format is refused clearly', async () => {
    expect(pdfText('live.pdf', await get(`/negotiations/${negotiationId}/versions/live/export.pdf`))).toContain('Texte en cours au');
    expect((await call(server, `/negotiations/${negotiationId}/versions/0123456789abcdef01234567/export.pdf`, { cookie: delegate })).status).toBe(404);
    expect((await call(server, `/negotiations/${negotiationId}/compare/export.odt?from=${before.id}&to=${after.id}`, { cookie: delegate })).status).toBe(404);
    expect((await call(server, `/negotiations/${negotiationId}/compare/export.pdf?from=${before.id}`, { cookie: delegate })).status).toBe(400);
    expect((await call(server, `/negotiations/${negotiationId}/versions/${before.id}/export.pdf`)).status).toBe(401);
  });

  it('a comparison as DOCX holds Word tracked changes, each in the name of the person and organisation who made it', async () => {
    const bytes = await get(`/negotiations/${negotiationId}/compare/export.docx?from=${before.id}&to=${after.id}`);
    const xml = await documentXml(bytes);
    const revisions = [...xml.matchAll(/<w:(ins|del) w:id="\d+" w:author="([^"]*)" w:date="([^"]*)">(.*?)<\/w:\1>/gs)].map(([, kind, author, date, body]) => ({
      kind,
      author,
      date,
      text: [...body.matchAll(/<w:(?:t|delText)[^>]*>([^<]*)<\/w:(?:t|delText)>/g)].map((m) => m[1]).join(''),
    }));
    const deleted = revisions.filter((r) => r.kind === 'del').map((r) => r.text).join('');
    const inserted = (author: string) => revisions.filter((r) => r.kind === 'ins' && r.author === author).map((r) => r.text).join('');
    expect(deleted).toContain('vingt');
    expect(revisions.find((r) => r.kind === 'del' && r.text.includes('vingt'))?.author).toBe('Claire Marchand · AXESS');
    expect(inserted('Claire Marchand · AXESS')).toContain('trente');
    expect(inserted('Paul Girard · AXESS')).toContain('La pause est prise hors de la présence des usagers.');
    // The paragraph before it stays whole: no change of anybody's shows in it.
    expect(revisions.filter((r) => r.author === 'Claire Marchand · AXESS').map((r) => r.text).join('')).toBe('vingttrente');
    // Dated when recorded: today, not the export's fallback.
    expect(revisions.every((r) => /^\d{4}-\d{2}-\d{2}T/.test(r.date))).toBe(true);
    expect(xml).toContain('<w:delText');
    // Word opens it with revision tracking on; mammoth (which reads the accepted text) gets the newer text.
    const settings = await (await JSZip.loadAsync(bytes)).file('word/settings.xml')!.async('string');
    expect(settings).toContain('<w:trackRevisions');
    const { value } = await mammoth.extractRawText({ buffer: bytes });
    expect(words(value)).toContain('trente minutes consécutives');
  });

  it('a comparison as PDF is a tableau comparatif: text in force, proposed text and the amendments, article by article', async () => {
    const pdf = pdfText('comparison.pdf', await get(`/negotiations/${negotiationId}/compare/export.pdf?from=${before.id}&to=${after.id}`));
    expect(pdf).toContain('TABLEAU COMPARATIF');
    expect(pdf).toContain('Texte en vigueur');
    expect(pdf).toContain('Texte proposé');
    expect(pdf).toContain('Amendements');
    expect(pdf).toContain('vingt');
    expect(pdf).toContain('trente');
    expect(pdf).toContain('hors de la présence des usagers');
    expect(pdf).toMatch(/N° 1 – CGT – déposé/);
    expect(pdf).toContain('Claire Marchand · AXESS');
  });

  it('the amendment book lists every tabled amendment by article, with its number, organisation, formula, status and outcome', async () => {
    // Three more, each decided its own way: one adopted, one rejected, one withdrawn.
    const secretariat = await connect(server, await login(server, 'secretariat@axess.demo'));
    const cfdt = await connect(server, delegate);
    try {
      await Promise.all([join(secretariat, negotiationId, 0), join(cfdt, negotiationId, 0)]);
      const ok = async (socket: ClientSocket, name: string, payload: object) => {
        const ack = await command<AmendmentView>(socket, name, { negotiationId, ...payload });
        if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
        return ack.data;
      };
      const table = (socket: ClientSocket, from: string, to: string) =>
        ok(socket, 'amendment:table', { articleId: pauseArticle, content: { kind: 'replace-words', from, to }, justification: `${to}, pas ${from}.` });
      const adopted = await table(cfdt, 'consécutives', 'continues');
      const rejected = await table(cfdt, 'heures', 'heures de travail');
      const withdrawn = await table(cgt, 'pause', 'coupure');
      for (const decided of [adopted, rejected]) await ok(secretariat, 'amendment:discuss', { amendmentId: decided.id });
      await ok(secretariat, 'amendment:adopt', { amendmentId: adopted.id, merge: false });
      await ok(secretariat, 'amendment:reject', { amendmentId: rejected.id });
      await ok(cgt, 'amendment:withdraw', { amendmentId: withdrawn.id });
    } finally {
      secretariat.close();
      cfdt.close();
    }
    const pdf = pdfText('book.pdf', await get(`/negotiations/${negotiationId}/amendments/book.pdf`), false);
    expect(pdf).toContain('CAHIER D’AMENDEMENTS');
    expect(pdf).toMatch(/Article 3 – Temps de pause/);
    expect(pdf).toContain('CGT');
    expect(pdf).toMatch(/les mots « six heures » sont remplacés par les mots « cinq heures »/);
    expect(pdf).toMatch(/Déposé le/);
    const { value } = await mammoth.extractRawText({ buffer: await get(`/negotiations/${negotiationId}/amendments/book.docx`) });
    expect(words(value)).toMatch(/les mots « six heures » sont remplacés par les mots « cinq heures »/);
    expect(words(value)).toContain('La fatigue vient plus tôt dans le soin.');
    // Every one, numbered in the order tabled, with its status and what became of it.
    const entries = [
      ['2 CFDT', 'le mot « consécutives » est remplacé par le mot « continues »', 'Adopté le', 'Adopté, à intégrer au texte'],
      ['3 CFDT', 'le mot « heures » est remplacé par les mots « heures de travail »', 'Rejeté le', 'Non retenu'],
      ['4 CGT', 'le mot « pause » est remplacé par le mot « coupure »', 'Retiré le', 'Retiré par son auteur le'],
    ];
    for (const [numberAndOrg, formula, status, outcome] of entries) {
      const at = pdf.indexOf(formula);
      expect(pdf.slice(0, at), formula).toMatch(new RegExp(`${numberAndOrg} [^«]*À l’article 3, $`));
      expect(pdf.slice(at).split(/ \d CFDT | \d CGT /)[0], formula).toMatch(new RegExp(`${status} \\d+ \\S+ \\d{4}.* ${outcome}`));
      expect(words(value), formula).toContain(formula);
    }
    expect(pdf).toContain('4 amendements déposés');
    const docx = words(value);
    for (const said of ['Adopté, à intégrer au texte', 'Non retenu', 'Retiré par son auteur le', 'En attente de décision']) expect(docx).toContain(said);
  });
});
