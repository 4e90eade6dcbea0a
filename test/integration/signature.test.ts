import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignAnswer, CampaignView } from '../../shared/signature/campaign.ts';
import type { VersionSummary } from '../../shared/text-diff.ts';
import type { Assessment } from '../../shared/validity/scenario.ts';
import { addDays } from '../../shared/validity/calendar.ts';
import { loadActor, type Actor } from '../../server/access/access.service.ts';
import { userModel } from '../../server/auth/user.model.ts';
import { canonicalJson, sha256 } from '../../server/export/canonical-json.ts';
import { openForSignature, rebuildCampaigns, recordNotification, signAgreement } from '../../server/signature/campaign.service.ts';
import { signatureDeps } from '../../server/signature/signature.routes.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { addCompanyNegotiation, addMember, addNegotiation, seedDemo, type DemoIds } from '../helpers/seed.ts';
import { DEMO_PASSWORD, call, login } from '../helpers/auth.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const AKN_SCHEMA = resolve(projectRoot, '../shared/akn/akomantoso30.xsd');

/** Runs a command-line tool and returns its stdout; fails with what to install when it is missing. */
function run(tool: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${tool} est introuvable (apt-get install poppler-utils libxml2-utils)`);
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const words = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, ' ');

describe('the signature campaign, its validity and its signed exports', () => {
  let server: TestServer;
  let ids: DemoIds;
  let cppni: string;
  let live: string;
  let dir: string;
  const cookies: Record<string, string> = {};
  const who = (email: string) => cookies[email];

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    cppni = ids.negotiations.cppni;
    live = ids.negotiations.tempsDeTravail;
    dir = mkdtempSync(join(tmpdir(), 'signature-test-'));
    for (const email of [
      'secretariat@axess.demo',
      'negociateur@axess.demo',
      'delegue@cfdt.demo',
      'delegue@cgt.demo',
      'delegue@fo.demo',
      'delegue@sud.demo',
      'delegue@cftc.demo',
      'president@cmp.demo',
    ]) {
      cookies[email] = await login(server, email);
    }
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server?.close();
  });

  const json = async <T>(response: Response, status = 200): Promise<T> => {
    const body = await response.text();
    expect(response.status, body).toBe(status);
    return JSON.parse(body) as T;
  };
  const errorCode = async (response: Response, status: number): Promise<string> => {
    const body = (await json<{ error: { code: string; message: string } }>(response, status)).error;
    expect(body.message.length).toBeGreaterThan(5);
    return body.code;
  };
  const post = (negotiationId: string, path: string, email: string, body: unknown = {}) =>
    call(server, `/negotiations/${negotiationId}/signature${path}`, { cookie: who(email), body });
  const campaignOf = async (negotiationId: string, email = 'delegue@cgt.demo') =>
    (await json<CampaignAnswer>(await call(server, `/negotiations/${negotiationId}/signature`, { cookie: who(email) }))).campaign;
  const validity = async (negotiationId: string, query = '') =>
    json<Assessment>(await call(server, `/negotiations/${negotiationId}/validity${query}`, { cookie: who('delegue@fo.demo') }));

  describe('the seeded 2023 avenant', () => {
    it('holds its campaign as it happened and reads void', async () => {
      const sut = await validity(cppni);
      expect(sut).toMatchObject({ status: 'void', signatureWeight: 38.5, oppositionWeight: 61.5, oppositionDeadline: '2023-10-13', signatureTestPassed: true, oppositionMajority: true });
      const campaign = (await campaignOf(cppni))!;
      expect(campaign.state).toBe('void');
      const short = (id: string) => campaign.parties.find((p) => p.id === id)!.shortName;
      expect(campaign.signatures.map((s) => [short(s.org), s.date, s.signatory.name])).toEqual([
        ['AXESS', '2023-09-26', 'Claire Marchand'],
        ['CFDT', '2023-09-26', 'Nadia Benali'],
      ]);
      expect(campaign.signatures.every((s) => s.versionHash === campaign.version.hash && /^[a-f0-9]{64}$/.test(s.versionHash))).toBe(true);
      expect(campaign.notifications.map((n) => [short(n.org), n.at])).toEqual([
        ['CFDT', '2023-09-28'],
        ['CGT', '2023-09-28'],
        ['FO', '2023-09-28'],
        ['SUD', '2023-09-28'],
      ]);
      expect(campaign.oppositions.map((o) => [short(o.org), o.at, o.counted])).toEqual([
        ['CGT', '2023-10-10', true],
        ['FO', '2023-10-11', true],
        ['SUD', '2023-10-12', true],
      ]);
      expect(campaign.nonSignatories.map(short).sort()).toEqual(['CFE-CGC', 'CFTC', 'CGT', 'FO', 'SUD']);
      expect(campaign.parties.find((p) => p.shortName === 'CFDT')).toMatchObject({ weight: 38.5, source: { date: '2017-12-22' } });
      expect(campaign.history.map((h) => [h.state, h.at])).toEqual([
        ['open for signature', '2023-09-26'],
        ['notified', '2023-09-28'],
        ['void', '2023-10-12'],
      ]);
    });

    it('answers the validity as of any day: on 11 October 2023 the window was still open', async () => {
      const sut = await validity(cppni, '?asOf=2023-10-11');
      expect(sut).toMatchObject({ status: 'opposition window', oppositionWeight: 49.87 });
      expect((await call(server, `/negotiations/${cppni}/validity?asOf=2023-13-01`, { cookie: who('delegue@fo.demo') })).status).toBe(400);
    });

    it('lists the frozen version as a version of kind signature', async () => {
      const versions = await json<VersionSummary[]>(await call(server, `/negotiations/${cppni}/versions`, { cookie: who('delegue@sud.demo') }));
      const campaign = (await campaignOf(cppni))!;
      expect(versions.find((v) => v.id === campaign.version.id)).toMatchObject({ kind: 'signature', name: 'Texte ouvert à la signature' });
    });

    it('rebuilds the same read model from the log, as often as asked', async () => {
      const before = await campaignOf(cppni);
      const deps = signatureDeps(server.app.context);
      await rebuildCampaigns(deps, cppni);
      await rebuildCampaigns(deps, cppni);
      expect(await campaignOf(cppni)).toEqual(before);
    });
  });

  describe('the exports of the signed 2023 version', () => {
    const files: Record<string, Buffer> = {};
    let versionId: string;
    let fingerprint: string;

    beforeAll(async () => {
      versionId = (await campaignOf(cppni))!.version.id;
      for (const format of ['json', 'pdf', 'docx', 'xml']) {
        const response = await call(server, `/negotiations/${cppni}/versions/${versionId}/export.${format}`, { cookie: who('delegue@cftc.demo') });
        expect(response.status).toBe(200);
        files[format] = Buffer.from(await response.arrayBuffer());
        fingerprint = response.headers.get('x-fingerprint-sha256')!;
      }
      // For people reviewing the documents: EXPORTS_DIR=… keeps a copy of each file.
      if (process.env.EXPORTS_DIR) {
        mkdirSync(process.env.EXPORTS_DIR, { recursive: true });
        for (const [format, file] of Object.entries(files)) writeFileSync(join(process.env.EXPORTS_DIR, `cppni-2023.${format}`), file);
      }
    });

    it('JSON: canonical, its own fingerprint, the signed snapshot with the void assessment and nothing else', () => {
      const snapshot = JSON.parse(files.json.toString('utf8'));
      expect(files.json.toString('utf8')).toBe(canonicalJson(snapshot));
      expect(sha256(files.json)).toBe(fingerprint);
      expect(Object.keys(snapshot).sort()).toEqual(['assessment', 'negotiation', 'nonSignatories', 'notifications', 'oppositions', 'parties', 'signatures', 'text', 'version']);
      expect(snapshot.version.kind).toBe('signature');
      expect(snapshot.assessment).toMatchObject({ status: 'void', signatureWeight: 38.5, oppositionWeight: 61.5, oppositionDeadline: '2023-10-13' });
      expect(snapshot.signatures.map((s: { signatory: string }) => s.signatory)).toEqual(['Claire Marchand', 'Nadia Benali']);
      expect(snapshot.parties.map((p: { shortName: string; weight: number }) => `${p.shortName} ${p.weight}`)).toContain('CGT 35.18');
      expect(snapshot.parties.some((p: { shortName: string }) => p.shortName === 'CMP')).toBe(false);
      expect(snapshot.text.preamble.length).toBeGreaterThan(0);
    });

    it('the same day, the same file again', async () => {
      const again = Buffer.from(await (await call(server, `/negotiations/${cppni}/versions/${versionId}/export.pdf`, { cookie: who('delegue@cgt.demo') })).arrayBuffer());
      expect(again.equals(files.pdf)).toBe(true);
    });

    it('PDF: a PDF whose text names the signatories, the weights and the verdict', () => {
      expect(files.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const file = join(dir, 'cppni.pdf');
      writeFileSync(file, files.pdf);
      const result = run('pdftotext', ['-layout', file, '-']);
      expect(result.status).toBe(0);
      const text = words(result.stdout);
      expect(text).toContain('Claire Marchand');
      expect(text).toContain('Nadia Benali');
      expect(text).toContain('CFDT');
      expect(text).toContain(fingerprint);
      expect(text).toMatch(/38,50/);
      expect(text).toMatch(/61,50/);
    });

    it('DOCX: opens with mammoth and names the signatories', async () => {
      const { value } = await mammoth.extractRawText({ buffer: files.docx });
      const text = words(value);
      expect(text).toContain('Claire Marchand');
      expect(text).toContain('Nadia Benali');
      expect(text).toContain(fingerprint);
    });

    it('Akoma Ntoso: valid against the 3.0 schema', () => {
      const file = join(dir, 'cppni.akn.xml');
      writeFileSync(file, files.xml);
      const result = run('xmllint', ['--noout', '--schema', AKN_SCHEMA, file]);
      expect(result.status, result.stderr).toBe(0);
      expect(files.xml.toString('utf8')).toContain(fingerprint);
    });

    it('verify accepts each exported file, anonymous and whatever its media type', async () => {
      for (const [format, file] of Object.entries(files)) {
        const response = await fetch(`${server.url}/api/verify`, { method: 'POST', body: new Uint8Array(file), headers: { 'content-type': format === 'json' ? 'application/json' : 'application/octet-stream' } });
        const sut = await json<Record<string, unknown>>(response);
        expect(sut, format).toMatchObject({ authentic: true, negotiationId: cppni, versionId, sha256: fingerprint });
      }
    });

    it('verify refuses a copy with one byte changed, in every format, and a file it never served', async () => {
      for (const [format, file] of Object.entries(files)) {
        const copy = Buffer.from(file);
        const at = format === 'json' ? file.indexOf('38.5') + 1 : Math.floor(file.length / 2);
        copy[at] = copy[at] === 0x39 ? 0x38 : 0x39;
        const sut = await json<Record<string, unknown>>(await fetch(`${server.url}/api/verify`, { method: 'POST', body: new Uint8Array(copy), headers: { 'content-type': 'text/plain' } }));
        expect(sut, format).toMatchObject({ authentic: false });
      }
      const tampered = Buffer.from(files.pdf);
      tampered[tampered.length - 100] ^= 0x01;
      expect(await json(await fetch(`${server.url}/api/verify`, { method: 'POST', body: new Uint8Array(tampered) }))).toMatchObject({ authentic: false });
      expect(await json(await fetch(`${server.url}/api/verify`, { method: 'POST', body: 'bonjour' }))).toMatchObject({ authentic: false });
      expect((await fetch(`${server.url}/api/verify`, { method: 'POST' })).status).toBe(400);
    });

    it('exports as signed only a version that was opened for signature, to members only; any other is a working document', async () => {
      expect((await call(server, `/negotiations/${cppni}/versions/${versionId}/export.pdf`)).status).toBe(401);
      expect((await call(server, `/negotiations/${cppni}/versions/${versionId}/export.exe`, { cookie: who('delegue@cfdt.demo') })).status).toBe(404);
      const manual = await json<VersionSummary>(
        await call(server, `/negotiations/${cppni}/versions`, { cookie: who('negociateur@axess.demo'), body: { name: 'Brouillon' } }),
        201,
      );
      // The signed formats are the signature's; a manual version's PDF says it is a working document (issue 16).
      expect((await call(server, `/negotiations/${cppni}/versions/${manual.id}/export.json`, { cookie: who('delegue@cfdt.demo') })).status).toBe(404);
      const working = await call(server, `/negotiations/${cppni}/versions/${manual.id}/export.pdf`, { cookie: who('delegue@cfdt.demo') });
      expect(working.status).toBe(200);
      expect(working.headers.get('x-fingerprint-sha256')).toBeNull();
      expect(working.headers.get('content-disposition')).toContain('document-de-travail');
    });
  });

  describe('a campaign on the live negotiation, with its permissions', () => {
    const org = (shortName: string) => ids.organisations[shortName];

    it('only the secretariat opens, once; the text is frozen as a signature version', async () => {
      expect(await campaignOf(live)).toBeNull();
      expect((await call(server, `/negotiations/${live}/validity`, { cookie: who('delegue@fo.demo') })).status).toBe(404);
      expect(await errorCode(await post(live, '/open', 'delegue@cfdt.demo', { signatureDeadline: '2099-01-01' }), 403)).toBe('FORBIDDEN');
      expect(await errorCode(await post(live, '/open', 'negociateur@axess.demo', { signatureDeadline: '2099-01-01' }), 403)).toBe('FORBIDDEN');
      expect(await errorCode(await post(live, '/open', 'secretariat@axess.demo', { signatureDeadline: '2001-01-01' }), 400)).toBe('BAD_REQUEST');
      expect(await errorCode(await post(live, '/open', 'secretariat@axess.demo', {}), 400)).toBe('BAD_REQUEST');
      const campaign = await json<CampaignView>(await post(live, '/open', 'secretariat@axess.demo', { signatureDeadline: '2099-01-01' }), 201);
      expect(campaign).toMatchObject({ state: 'open for signature', signatureDeadline: '2099-01-01', kind: 'agreement' });
      expect(campaign.parties.find((p) => p.shortName === 'CGT')).toMatchObject({ weight: 35.18, representative: true, source: { date: '2017-12-22' } });
      expect(await errorCode(await post(live, '/open', 'secretariat@axess.demo', { signatureDeadline: '2099-01-01' }), 409)).toBe('CONFLICT');
      const versions = await json<VersionSummary[]>(await call(server, `/negotiations/${live}/versions`, { cookie: who('delegue@sud.demo') }));
      expect(versions.find((v) => v.id === campaign.version.id)?.kind).toBe('signature');
      expect((await validity(live)).status).toBe('open for signature');
    });

    it('only signatories sign, for their own organisation, with their password', async () => {
      expect(await errorCode(await post(live, '/sign', 'secretariat@axess.demo', { password: DEMO_PASSWORD }), 403)).toBe('FORBIDDEN');
      expect(await errorCode(await post(live, '/sign', 'delegue@cftc.demo', { password: DEMO_PASSWORD }), 403)).toBe('FORBIDDEN');
      expect(await errorCode(await post(live, '/sign', 'president@cmp.demo', { password: DEMO_PASSWORD }), 403)).toBe('FORBIDDEN');
      expect(await errorCode(await post(live, '/sign', 'delegue@cfdt.demo', { password: 'pas-le-bon' }), 401)).toBe('INVALID_CREDENTIALS');
      expect(await errorCode(await post(live, '/sign', 'delegue@cfdt.demo', { password: DEMO_PASSWORD, org: org('CGT') }), 403)).toBe('FORBIDDEN');
      // Guessing is throttled as at sign-in: five wrong passwords, then a wait.
      for (let i = 0; i < 5; i++) expect(await errorCode(await post(live, '/sign', 'delegue@sud.demo', { password: `faux-${i}` }), 401)).toBe('INVALID_CREDENTIALS');
      const throttled = await post(live, '/sign', 'delegue@sud.demo', { password: DEMO_PASSWORD });
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await errorCode(throttled, 429)).toBe('RATE_LIMITED');
      expect((await campaignOf(live))!.signatures).toEqual([]);
      // A quarter of an hour later, SUD's signatory may type their password again.
      await server.app.context.db.connection.db!.collection('throttles').deleteMany({});

      const signed = await json<CampaignView>(await post(live, '/sign', 'delegue@cfdt.demo', { password: DEMO_PASSWORD }));
      expect(signed.signatures).toHaveLength(1);
      expect(signed.signatures[0]).toMatchObject({ org: org('CFDT'), signatory: { name: 'Nadia Benali' }, versionHash: signed.version.hash });
      expect(await errorCode(await post(live, '/sign', 'delegue@cfdt.demo', { password: DEMO_PASSWORD }), 409)).toBe('CONFLICT');
      await json(await post(live, '/sign', 'negociateur@axess.demo', { password: DEMO_PASSWORD }));
      expect(await validity(live)).toMatchObject({ status: 'open for signature', signatureWeight: 38.5, signatureTestPassed: true });
    });

    it('only the secretariat notifies; nobody opposes before the notification; nobody signs after it', async () => {
      expect(await errorCode(await post(live, '/oppositions', 'delegue@cgt.demo', { password: DEMO_PASSWORD, text: 'Nous nous opposons à cet accord.' }), 409)).toBe('CONFLICT');
      expect(await errorCode(await post(live, '/notifications', 'delegue@cfdt.demo', { org: org('CGT') }), 403)).toBe('FORBIDDEN');
      expect(await errorCode(await post(live, '/notifications', 'secretariat@axess.demo', { org: org('CGT'), at: '2099-01-01' }), 400)).toBe('BAD_REQUEST');
      expect(await errorCode(await post(live, '/close', 'secretariat@axess.demo'), 409)).toBe('CONFLICT');
      for (const name of ['CGT', 'FO', 'SUD', 'CFDT']) await json(await post(live, '/notifications', 'secretariat@axess.demo', { org: org(name) }));
      expect(await errorCode(await post(live, '/notifications', 'secretariat@axess.demo', { org: org('CGT') }), 409)).toBe('CONFLICT');
      const campaign = (await campaignOf(live))!;
      expect(campaign.state).toBe('notified');
      expect(campaign.nonSignatories.map((id) => campaign.parties.find((p) => p.id === id)!.shortName).sort()).toEqual(['CFE-CGC', 'CFTC', 'CGT', 'FO', 'SUD']);
      expect(await errorCode(await post(live, '/sign', 'delegue@fo.demo', { password: DEMO_PASSWORD }), 409)).toBe('CONFLICT');
      expect((await validity(live)).status).toBe('opposition window');
    });

    it('a signatory cannot oppose; oppositions above 50 % make the text void', async () => {
      expect(await errorCode(await post(live, '/oppositions', 'delegue@cfdt.demo', { password: DEMO_PASSWORD, text: 'Nous nous opposons finalement.' }), 409)).toBe('CONFLICT');
      expect(await errorCode(await post(live, '/oppositions', 'negociateur@axess.demo', { password: DEMO_PASSWORD, text: 'Opposition patronale à l’accord.' }), 409)).toBe('CONFLICT');
      expect(await errorCode(await post(live, '/oppositions', 'secretariat@axess.demo', { password: DEMO_PASSWORD, text: 'Opposition du secrétariat.' }), 403)).toBe('FORBIDDEN');
      expect(await errorCode(await post(live, '/oppositions', 'delegue@cgt.demo', { password: DEMO_PASSWORD, text: 'Non.' }), 400)).toBe('BAD_REQUEST');
      expect(await errorCode(await post(live, '/oppositions', 'delegue@cgt.demo', { password: DEMO_PASSWORD, text: 'Opposition de la CGT, motivée.', org: org('FO') }), 403)).toBe('FORBIDDEN');

      const cgt = await json<CampaignView>(await post(live, '/oppositions', 'delegue@cgt.demo', { password: DEMO_PASSWORD, text: 'Opposition de la CGT, motivée.' }));
      expect(cgt.oppositions.at(-1)).toMatchObject({ counted: true, ground: 'counted', text: 'Opposition de la CGT, motivée.' });
      const fo = await json<CampaignView>(await post(live, '/oppositions', 'delegue@fo.demo', { password: DEMO_PASSWORD, text: 'Opposition de FO, motivée.' }));
      expect(fo.state).toBe('notified');
      expect(await validity(live)).toMatchObject({ status: 'opposition window', oppositionWeight: 49.87 });
      expect(await errorCode(await post(live, '/oppositions', 'delegue@fo.demo', { password: DEMO_PASSWORD, text: 'Opposition de FO, encore.' }), 409)).toBe('CONFLICT');
      const sud = await json<CampaignView>(await post(live, '/oppositions', 'delegue@sud.demo', { password: DEMO_PASSWORD, text: 'Opposition de SUD, motivée.' }));
      expect(sud.state).toBe('void');
      expect(await validity(live)).toMatchObject({ status: 'void', oppositionWeight: 61.5, oppositionMajority: true });
      expect(await errorCode(await post(live, '/transitions', 'secretariat@axess.demo', { to: 'deposited', document: { title: 'Récépissé' } }), 409)).toBe('CONFLICT');
    });

    it('a late opposition is recorded but does not count; then deposit, agrément and extension, in order', async () => {
      // A new campaign on the same text, opened two months ago: the windows are long closed.
      const deps = signatureDeps(server.app.context);
      const actor = async (email: string): Promise<Actor> => {
        const user = (await userModel(server.app.context.db.connection).findOne({ email }).lean())!;
        return (await loadActor(server.app.context.db.connection, { id: String(user._id), name: user.name, email }, live))!;
      };
      const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
      await openForSignature(deps, await actor('secretariat@axess.demo'), { signatureDeadline: '2099-12-31' }, daysAgo(60));
      await signAgreement(deps, await actor('delegue@cfdt.demo'), {}, daysAgo(60));
      await signAgreement(deps, await actor('negociateur@axess.demo'), {}, daysAgo(60));
      for (const name of ['CGT', 'FO', 'SUD']) await recordNotification(deps, await actor('secretariat@axess.demo'), { org: org(name) }, daysAgo(59));

      expect((await campaignOf(live))!.state).toBe('valid');
      const late = await json<CampaignView>(await post(live, '/oppositions', 'delegue@cgt.demo', { password: DEMO_PASSWORD, text: 'Opposition tardive de la CGT.' }));
      expect(late.oppositions).toHaveLength(1);
      expect(late.oppositions[0]).toMatchObject({ counted: false, ground: 'late' });
      expect(late.state).toBe('valid');
      expect(await validity(live)).toMatchObject({ status: 'valid', oppositionWeight: 0 });

      const transition = (to: string, document?: unknown) => post(live, '/transitions', 'secretariat@axess.demo', { to, ...(document ? { document } : {}) });
      expect(await errorCode(await transition('approved', { title: 'Arrêté' }), 409)).toBe('CONFLICT');
      expect(await errorCode(await transition('deposited'), 400)).toBe('BAD_REQUEST');
      expect(await errorCode(await post(live, '/transitions', 'delegue@cfdt.demo', { to: 'deposited', document: { title: 'Récépissé' } }), 403)).toBe('FORBIDDEN');
      await json(await transition('deposited', { title: 'Récépissé de dépôt', reference: 'T09223000123' }));
      await json(await transition('approved', { title: 'Arrêté d’agrément', reference: 'JORF n° 0001' }));
      await json(await transition('extension requested'));
      const extended = await json<CampaignView>(await transition('extended', { title: 'Arrêté d’extension', reference: 'JORF n° 0002' }));
      expect(extended.history.map((h) => h.state)).toEqual(['open for signature', 'notified', 'valid', 'deposited', 'approved', 'extension requested', 'extended']);
      expect(extended.history.find((h) => h.state === 'approved')?.document).toEqual({ title: 'Arrêté d’agrément', reference: 'JORF n° 0001' });
      expect(await errorCode(await transition('deposited', { title: 'Récépissé' }), 409)).toBe('CONFLICT');
      expect(await errorCode(await post(live, '/open', 'secretariat@axess.demo', { signatureDeadline: '2099-01-01' }), 409)).toBe('CONFLICT');
      const listed = await json<{ status: string }[]>(await call(server, '/negotiations', { cookie: who('delegue@cgt.demo') }));
      expect(listed.map((n) => n.status)).toContain('extended');
    });
  });

  describe('the recommandation patronale, after the void avenant', () => {
    it('is frozen without signatures or oppositions, then deposited and approved, never extended', async () => {
      expect(await errorCode(await post(cppni, '/recommendation', 'delegue@cgt.demo'), 403)).toBe('FORBIDDEN');
      const adopted = await json<CampaignView>(await post(cppni, '/recommendation', 'secretariat@axess.demo', { versionName: 'Recommandation patronale du 20 octobre 2023' }), 201);
      expect(adopted).toMatchObject({ kind: 'recommendation', state: 'recommendation adopted' });
      const listed = await json<{ id: string; status: string }[]>(await call(server, '/negotiations', { cookie: who('delegue@cgt.demo') }));
      expect(listed.find((n) => n.id === cppni)?.status).toBe('recommendation adopted');
      expect(await errorCode(await post(cppni, '/sign', 'delegue@cfdt.demo', { password: DEMO_PASSWORD }), 409)).toBe('CONFLICT');
      expect(await errorCode(await post(cppni, '/notifications', 'secretariat@axess.demo', { org: ids.organisations.CGT }), 409)).toBe('CONFLICT');
      expect((await call(server, `/negotiations/${cppni}/validity`, { cookie: who('delegue@fo.demo') })).status).toBe(409);
      const transition = (to: string, document?: unknown) => post(cppni, '/transitions', 'secretariat@axess.demo', { to, ...(document ? { document } : {}) });
      await json(await transition('deposited', { title: 'Récépissé de dépôt' }));
      await json(await transition('approved', { title: 'Arrêté d’agrément' }));
      expect(await errorCode(await transition('extension requested'), 409)).toBe('CONFLICT');

      const pdf = await call(server, `/negotiations/${cppni}/versions/${adopted.version.id}/export.pdf`, { cookie: who('delegue@cgt.demo') });
      expect(pdf.status).toBe(200);
      const file = Buffer.from(await pdf.arrayBuffer());
      expect(await json(await fetch(`${server.url}/api/verify`, { method: 'POST', body: new Uint8Array(file) }))).toMatchObject({ authentic: true, versionId: adopted.version.id });
    });
  });

  describe('a campaign the secretariat closes below 30 % before its deadline', () => {
    it('is not concluded from the close on: the validity and the signed export say so, not « open for signature » until the deadline', async () => {
      const company = await addNegotiation(server, 'Accord d’entreprise sur le télétravail', ids.organisations.CGT);
      await addMember(server, { email: 'secretariat@entreprise.test', negotiationId: company, organisationId: ids.organisations.CGT, roles: ['secretariat'] });
      const cookie = await login(server, 'secretariat@entreprise.test');
      const act = (path: string, body: unknown = {}) => call(server, `/negotiations/${company}/signature${path}`, { cookie, body });
      const opened = await json<CampaignView>(await act('/open', { signatureDeadline: '2099-06-30' }), 201);
      expect((await json<CampaignView>(await act('/close'))).state).toBe('not concluded');
      expect((await json<Assessment>(await call(server, `/negotiations/${company}/validity`, { cookie }))).status).toBe('not concluded');
      const exported = await call(server, `/negotiations/${company}/versions/${opened.version.id}/export.json`, { cookie });
      expect(JSON.parse(await exported.text()).assessment.status).toBe('not concluded');
    });
  });

  describe('a company agreement (L2232-12)', () => {
    async function companyNegotiation(name: string) {
      const { company, people } = await addCompanyNegotiation(server, ids, name);
      const act = async (email: string, path: string, body: unknown = {}) => call(server, `/negotiations/${company}/signature${path}`, { cookie: await login(server, email), body });
      const eventOf = (type: string) => server.app.context.db.connection.collection('events').findOne({ negotiationId: company, type });
      return { company, people, act, eventOf };
    }

    /** Signed by the direction and the CFDT (40 %) and notified to the CGT: it goes to the employees. */
    async function awaitingReferendum(name: string) {
      const negotiation = await companyNegotiation(name);
      const { people, act } = negotiation;
      await json(await act(people.secretariat, '/open', { signatureDeadline: '2099-06-30' }), 201);
      await json(await act(people.cfdt, '/sign', { password: DEMO_PASSWORD }));
      await json(await act(people.direction, '/sign', { password: DEMO_PASSWORD }));
      const notified = await json<CampaignView>(await act(people.secretariat, '/notifications', { org: ids.organisations.CGT }));
      expect(notified.state).toBe('notified');
      expect(notified.referendum).toBeNull();
      const validity = await json<Assessment>(await call(server, `/negotiations/${negotiation.company}/validity`, { cookie: await login(server, people.cgt) }));
      expect(validity.status).toBe('referendum pending');
      return { ...negotiation, notifiedOn: notified.notifications[0].at };
    }

    it('is not notified without the employer’s signature, and no union opposes it', async () => {
      const { people, act, eventOf } = await companyNegotiation('astreintes');
      await json(await act(people.secretariat, '/open', { signatureDeadline: '2099-06-30' }), 201);
      await json(await act(people.cgt, '/sign', { password: DEMO_PASSWORD }));
      // 60 % of the unions, but no signature of the employer: not concluded, so not notified.
      expect(await errorCode(await act(people.secretariat, '/notifications', { org: ids.organisations.CFDT }), 409)).toBe('CONFLICT');
      await json(await act(people.direction, '/sign', { password: DEMO_PASSWORD }));
      const notified = await json<CampaignView>(await act(people.secretariat, '/notifications', { org: ids.organisations.CFDT }));
      expect(notified.state).toBe('valid');
      // Valid on its signatures, not for want of an opposition (there is none at company level).
      expect((await eventOf('agreement:validated'))?.payload.ground).toBe('majority signature');
      expect(await errorCode(await act(people.cfdt, '/oppositions', { password: DEMO_PASSWORD, text: 'La CFDT s’oppose à cet accord.' }), 409)).toBe('CONFLICT');
      // Valid on its signatures: no referendum to record.
      expect(await errorCode(await act(people.secretariat, '/referendum', { at: notified.notifications[0].at, approved: true }), 409)).toBe('CONFLICT');
    });

    it('signed by 40 %, the employees approve it: the secretariat alone records the referendum, dated between the notification and today, once; valid on that ground', async () => {
      const { people, act, eventOf, notifiedOn } = await awaitingReferendum('primes');
      expect((await act(people.cfdt, '/referendum', { at: notifiedOn, approved: true })).status).toBe(403);
      expect(await errorCode(await act(people.secretariat, '/referendum', { at: '2099-01-04', approved: true }), 400)).toBe('BAD_REQUEST');
      expect(await errorCode(await act(people.secretariat, '/referendum', { at: addDays(notifiedOn, -1), approved: true }), 400)).toBe('BAD_REQUEST');
      expect(await errorCode(await act(people.secretariat, '/referendum', { at: notifiedOn }), 400)).toBe('BAD_REQUEST');
      const valid = await json<CampaignView>(await act(people.secretariat, '/referendum', { at: notifiedOn, approved: true }));
      expect(valid.state).toBe('valid');
      expect(valid.referendum).toMatchObject({ at: notifiedOn, approved: true, recordedBy: { name: people.secretariat } });
      expect((await eventOf('agreement:validated'))?.payload).toMatchObject({ at: notifiedOn, ground: 'referendum' });
      expect(await errorCode(await act(people.secretariat, '/referendum', { at: notifiedOn, approved: false }), 409)).toBe('CONFLICT');
    });

    it('signed by 40 %, the employees reject it: void, and the event says why', async () => {
      const { people, act, eventOf, notifiedOn } = await awaitingReferendum('forfaits');
      const voided = await json<CampaignView>(await act(people.secretariat, '/referendum', { at: notifiedOn, approved: false }));
      expect(voided.state).toBe('void');
      expect(voided.history.at(-1)).toMatchObject({ state: 'void', at: notifiedOn });
      expect((await eventOf('agreement:voided'))?.payload).toMatchObject({ at: notifiedOn, ground: 'referendum' });
    });

    it('a branch agreement has no referendum: 409', async () => {
      expect(await errorCode(await post(cppni, '/referendum', 'secretariat@axess.demo', { at: '2023-10-20', approved: true }), 409)).toBe('CONFLICT');
    });
  });
});
