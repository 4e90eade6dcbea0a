import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mammoth from 'mammoth';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MinutesView, SessionView } from '../../shared/sessions/session.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call } from '../helpers/auth.ts';
import { participants } from '../helpers/participants.ts';
import { seedDemo } from '../helpers/seed.ts';
import { connectClient, synced, waitFor } from './yjs-helpers.ts';
import { insertBefore, minutesFragment, richBlock, richList } from './minutes-fragment.ts';

const SEATS = ['secretariat', 'cfdt'] as const;
type Who = (typeof SEATS)[number];

/** What pdftohtml reads of a PDF: each line's text with <b> and <i> where the face is bold or italic. */
function pdfXml(bytes: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rich-minutes-'));
  fs.writeFileSync(path.join(dir, 'minutes.pdf'), bytes);
  if (process.env.SCREENSHOTS_DIR) fs.copyFileSync(path.join(dir, 'minutes.pdf'), path.join(process.env.SCREENSHOTS_DIR, 'rich-minutes.pdf'));
  return execFileSync('pdftohtml', ['-xml', '-i', '-stdout', path.join(dir, 'minutes.pdf')], { encoding: 'utf8' });
}

describe('the minutes as rich text', () => {
  let server: TestServer;
  let negotiationId: string;
  let sessionId: string;
  const people = participants(SEATS);
  const { cookies, send, ok } = people;

  const get = async <T>(who: Who, url: string): Promise<T> => {
    const res = await call(server, url, { cookie: cookies[who] });
    expect(res.status, url).toBe(200);
    return (await res.json()) as T;
  };
  const file = async (ext: 'pdf' | 'docx') => {
    const res = await call(server, `/negotiations/${negotiationId}/sessions/${sessionId}/minutes.${ext}`, { cookie: cookies.cfdt });
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  };

  beforeAll(async () => {
    server = await startTestServer();
    negotiationId = (await seedDemo(server)).negotiations.tempsDeTravail;
    await people.signIn(server, negotiationId);
    const session = await ok<SessionView>('secretariat', 'session:convene', {
      title: 'Séance de rédaction',
      startsAt: '2026-12-08T09:30',
      place: 'Paris',
      agenda: [{ kind: 'free', title: 'Questions diverses' }],
    });
    sessionId = session.id;
    await ok('secretariat', 'session:open', { sessionId });
    await ok('secretariat', 'session:close', { sessionId });
  });
  afterAll(async () => {
    people.disconnect();
    await server?.close();
  });

  it('headings, lists and emphasis written in the editor reach the minutes, the PDF and the DOCX', async () => {
    const editor = connectClient(server.url, `minutes:${sessionId}`, cookies.secretariat);
    try {
      await synced(editor);
      editor.doc.transact(() =>
        insertBefore(editor.doc, 'Décisions', [
          richBlock('heading', ['Point d’information du secrétariat'], { level: 3 }),
          richBlock('paragraph', ['La commission note un point ', { text: 'important', bold: true }, ', adopté ', { text: 'sous réserve', italic: true }, ' de relecture.']),
          richList('bulletList', [['Premier constat des délégations'], ['Second constat, ', { text: 'à confirmer', bold: true, italic: true }]]),
          richList('orderedList', [['Première suite à donner'], ['Seconde suite à donner']]),
        ]),
      );
      await waitFor(async () => (await get<MinutesView>('cfdt', `/negotiations/${negotiationId}/sessions/${sessionId}/minutes`)).text.includes('Seconde suite'), 10_000, 'the edit is stored');
    } finally {
      editor.destroy();
    }

    // The view carries the rich text, marks and all.
    const minutes = await get<MinutesView>('cfdt', `/negotiations/${negotiationId}/sessions/${sessionId}/minutes`);
    const json = JSON.stringify(minutes.doc);
    expect(json).toContain('{"type":"text","text":"important","marks":[{"type":"bold"}]}');
    expect(json).toContain('{"type":"text","text":"sous réserve","marks":[{"type":"italic"}]}');
    expect(minutes.doc.content.some((n) => n.type === 'heading' && n.attrs.level === 3 && JSON.stringify(n).includes('Point d’information'))).toBe(true);

    // The PDF: the heading, each list item on its line with its marker, bold and italic faces.
    const xml = pdfXml(await file('pdf'));
    if (process.env.PRINT_MINUTES) process.stdout.write(xml);
    expect(xml).toMatch(/<b>Point d’information du secrétariat<\/b>/);
    expect(xml).toMatch(/<b>important<\/b>/);
    expect(xml).toMatch(/<i>sous réserve<\/i>/);
    expect(xml).toMatch(/<b><i>à confirmer<\/i><\/b>|<i><b>à confirmer<\/b><\/i>/);
    expect(xml).toMatch(/>– Premier constat des délégations</);
    expect(xml).toMatch(/>– Second constat, /);
    expect(xml).toMatch(/<b>1\.<\/b>[\s\S]{0,200}Première suite à donner/);
    expect(xml).toMatch(/<b>2\.<\/b>[\s\S]{0,200}Seconde suite à donner/);

    // The DOCX: Word headings, Word lists, Word bold and italic, as mammoth reads them.
    const { value: html } = await mammoth.convertToHtml({ buffer: await file('docx') });
    expect(html).toContain('<h2>Point d’information du secrétariat</h2>');
    expect(html).toContain('<strong>important</strong>');
    expect(html).toContain('<em>sous réserve</em>');
    expect(html).toMatch(/<ul><li>Premier constat des délégations<\/li><li>Second constat, <strong><em>à confirmer<\/em><\/strong><\/li><\/ul>/);
    expect(html).toMatch(/<ol><li>Première suite à donner<\/li><li>Seconde suite à donner<\/li><\/ol>/);
    expect(html).toContain('<h1>Décisions</h1>');
  });

  it('a block the minutes do not admit is left out of the draft and refused at approval; once approved, the rich text is frozen', async () => {
    const minutesUrl = `/negotiations/${negotiationId}/sessions/${sessionId}/minutes`;
    const editor = connectClient(server.url, `minutes:${sessionId}`, cookies.secretariat);
    try {
      await synced(editor);
      // A stock client, not the editor: an image and a script are no part of a relevé de décisions.
      const image = new Y.XmlElement('image');
      image.setAttribute('src', 'https://example.org/x.png');
      editor.doc.transact(() => insertBefore(editor.doc, 'Décisions', [image, richBlock('paragraph', ['Marque après l’image.'])]));
      await waitFor(async () => (await get<MinutesView>('cfdt', minutesUrl)).text.includes('Marque après l’image.'), 10_000, 'the edit is stored');
      expect(JSON.stringify((await get<MinutesView>('cfdt', minutesUrl)).doc)).not.toContain('"type":"image"');
      expect(await send('secretariat', 'minutes:approve', { sessionId })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

      const fragment = minutesFragment(editor.doc);
      fragment.delete(fragment.toArray().indexOf(image), 1);
      await waitFor(async () => (await send('secretariat', 'minutes:approve', { sessionId })).ok, 10_000, 'approval once the image is gone');
    } finally {
      editor.destroy();
    }
    const approved = await get<MinutesView>('cfdt', minutesUrl);
    expect(approved.status).toBe('approved');
    expect(JSON.stringify(approved.doc)).toContain('{"type":"text","text":"important","marks":[{"type":"bold"}]}');
    // The approved files read the frozen rich text: still bold, still a list.
    const { value: html } = await mammoth.convertToHtml({ buffer: await file('docx') });
    expect(html).toContain('<strong>important</strong>');
    expect(html).toMatch(/<ol><li>Première suite à donner<\/li>/);
  });
});
