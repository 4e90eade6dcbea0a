import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv } from 'ajv';
import asyncApiSpecs from '@asyncapi/specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { call, login } from '../helpers/auth.ts';
import { openApiPath } from '../../server/http/openapi.ts';
import * as Y from 'yjs';
import { command, connect, join } from './realtime-client.ts';
import { connectClient, synced } from './yjs-helpers.ts';

type Json = Record<string, unknown>;
type Operation = { responses: Record<string, Json> };

/** Every route the running Express app answers under /api, as `method path` (Express's path syntax). */
function expressRoutes(server: TestServer): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = [];
  interface Layer {
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
    rawPath?: unknown;
  }
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) for (const method of Object.keys(layer.route.methods)) routes.push({ method, path: `${prefix}${layer.route.path}` });
      else if (layer.handle?.stack) walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
    }
  };
  walk((server.app.context.app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return routes.filter((r) => r.path.startsWith('/api/'));
}

describe('the API contract (OpenAPI 3.1 at /api/openapi.json)', () => {
  let server: TestServer;
  let ids: DemoIds;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { responses: Record<string, Json>; schemas: Record<string, Json> } };

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    const response = await call(server, '/openapi.json');
    expect(response.status).toBe(200);
    doc = (await response.json()) as typeof doc;
  });
  afterAll(() => server?.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route the server answers under /api, and none it does not', () => {
    const routes = expressRoutes(server);
    expect(routes.length).toBeGreaterThan(50);
    const missing = routes.filter(({ method, path }) => !doc.paths[openApiPath(path.slice('/api'.length))]?.[method]).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
    const served = new Set(routes.map(({ method, path }) => `${method} ${openApiPath(path.slice('/api'.length))}`));
    const stale = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`)).filter((op) => !served.has(op));
    expect(stale).toEqual([]);
  });

  it('every operation says what it does, and each of its answers what it is', () => {
    const unsaid = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).flatMap(([method, op]) => {
        const summary = (op as Json & Operation).summary;
        const missing = typeof summary === 'string' && summary.trim().length > 0 ? [] : [`${method} ${path}: no summary`];
        for (const [status, answer] of Object.entries(op.responses)) {
          if (!answer.$ref && !(typeof answer.description === 'string' && answer.description.trim())) missing.push(`${method} ${path} ${status}: no description`);
        }
        return missing;
      }),
    );
    expect(unsaid).toEqual([]);
  });

  it('no JSON answer is described as « any JSON »', () => {
    const isAny = (schema: unknown) => !!schema && typeof schema === 'object' && Object.keys(schema).length === 0;
    const anyAnswers = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).flatMap(([method, op]) =>
        Object.entries(op.responses)
          .filter(([, answer]) => isAny((answer.content as Record<string, { schema: unknown }> | undefined)?.['application/json']?.schema))
          .map(() => `${method} ${path}`),
      ),
    );
    expect(anyAnswers).toEqual([]);
  });

  it('the recursive schemas (minutes, validity reasons) are components, and every reference points at one', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map(([, ref]) => ref);
    expect(refs.filter((ref) => !ref.startsWith('#/components/'))).toEqual([]);
    for (const ref of new Set(refs)) expect(ref.split('/').slice(1).reduce<unknown>((at, key) => (at as Json)?.[key], doc), ref).toBeDefined();
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['MinutesBlock', 'ValidityReason']));
    expect(JSON.stringify(doc)).not.toContain('$defs');
  });

  it('commands carry their catalogue body schema and required action; errors share one shape', () => {
    const sign = doc.paths['/api/negotiations/{negotiationId}/signature/sign'].post as Json & Operation;
    expect(sign['x-required-action']).toBe('signature:sign');
    const body = (sign.requestBody as { content: Record<string, { schema: { required: string[] } }> }).content['application/json'].schema;
    expect(body.required).toContain('password');
    expect(sign.responses['4XX']).toEqual({ $ref: '#/components/responses/Error' });
    const login = doc.paths['/api/auth/login'].post as Json;
    expect(login.security).toEqual([]);
  });

  it("the real server's answers match the document: status, media type and schema", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const resolve = (value: Json): Json => (typeof value.$ref === 'string' ? resolve(value.$ref.split('/').slice(1).reduce<Json>((at, key) => at[key] as Json, doc as unknown as Json)) : value);
    const checked: string[] = [];
    const check = async (method: string, path: string, template: string, options: Parameters<typeof call>[2] = {}) => {
      const response = await call(server, path, { ...options, method: method.toUpperCase() });
      const operation = doc.paths[`/api${template}`]?.[method];
      expect(operation, `${method} ${template} is described`).toBeDefined();
      const status = String(response.status);
      const described = operation.responses[status] ?? operation.responses[`${status[0]}XX`];
      expect(described, `${method} ${path} answered ${status}, which the document does not list`).toBeDefined();
      const content = resolve(described).content as Record<string, { schema: Json }> | undefined;
      const type = (response.headers.get('content-type') ?? '').split(';')[0];
      checked.push(`${method} ${path} ${status}`);
      if (!content) {
        expect(response.status, `${method} ${path}: an answer without content`).toBe(204);
        return;
      }
      expect(Object.keys(content), `${method} ${path}: media type`).toContain(type);
      if (type === 'application/json') {
        const validate = ajv.compile({ ...resolve(content[type].schema), components: doc.components });
        const body = await response.json();
        expect(validate(body) ? [] : JSON.stringify(validate.errors).slice(0, 900), `${method} ${path}: ${JSON.stringify(body).slice(0, 300)}`).toEqual([]);
      }
    };

    const negotiator = await login(server, 'negociateur@axess.demo');
    const n = ids.negotiations.tempsDeTravail ?? Object.values(ids.negotiations)[0];
    const N = '/negotiations/{negotiationId}';
    const as = { cookie: negotiator };
    await check('get', '/health', '/health');
    await check('get', '/ready', '/ready');
    await check('get', '/me', '/me', as);
    await check('get', '/me', '/me'); // 401, the error shape
    await check('get', '/negotiations', '/negotiations', as);
    await check('get', `/negotiations/${n}`, N, as);
    await check('get', `/negotiations/${'0'.repeat(24)}`, N, as); // 403 or 404, the error shape
    await check('get', `/negotiations/${n}/members`, `${N}/members`, as);
    const axess = ((await (await call(server, `/negotiations/${n}`, as)).json()) as { myOrganisation: string }).myOrganisation;
    await check('get', `/negotiations/${n}/organisations/${axess}/members`, `${N}/organisations/{organisationId}/members`, as);
    const article = ((await (await call(server, `/negotiations/${n}`, as)).json()) as { articles: { id: string }[] }).articles[1].id;
    await check('put', `/negotiations/${n}/articles/${article}/status`, `${N}/articles/{articleId}/status`, { ...as, body: { status: 'bracketed' }, origin: server.url });
    await check('post', `/negotiations/${n}/articles/renumber/preview`, `${N}/articles/renumber/preview`, { ...as, body: {}, origin: server.url });
    const cfdtLead = await login(server, 'delegue@cfdt.demo');
    const cfdt = ((await (await call(server, `/negotiations/${n}`, { cookie: cfdtLead })).json()) as { myOrganisation: string }).myOrganisation;
    await check('post', `/negotiations/${n}/invitations`, `${N}/invitations`, { cookie: cfdtLead, body: { email: 'contrat@cfdt.demo', organisationId: cfdt, roles: ['delegate'] }, origin: server.url });
    // The invitation just sent is in the outbox the secretariat reads.
    await check('get', `/negotiations/${n}/outbox`, `${N}/outbox`, { cookie: await login(server, 'secretariat@axess.demo') });
    await check('get', `/negotiations/${n}/versions`, `${N}/versions`, as);
    await check('get', `/negotiations/${n}/sessions`, `${N}/sessions`, as);
    await check('get', `/negotiations/${n}/calendar.ics`, `${N}/calendar.ics`, as);
    await check('get', `/negotiations/${n}/amendments`, `${N}/amendments`, as);
    await check('get', `/negotiations/${n}/annotations`, `${N}/annotations`, as);
    // An annotation for the committee on the article, so that the list and the thread have one.
    const reader = connectClient(server.url, `article:${article}`, negotiator);
    await synced(reader);
    const paragraph = (reader.doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const position = (i: number) => Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(paragraph, i))).toString('base64');
    const socket = await connect(server, negotiator);
    await join(socket, n, 0);
    const annotated = await command(socket, 'annotation:create', { negotiationId: n, articleId: article, anchor: { start: position(0), end: position(5) }, body: 'Note du test du contrat', visibility: 'committee' });
    expect(annotated).toMatchObject({ ok: true });
    socket.disconnect();
    reader.destroy();
    await check('get', `/negotiations/${n}/annotations`, `${N}/annotations`, as);
    const annotations = (await (await call(server, `/negotiations/${n}/annotations`, as)).json()) as { id: string }[];
    await check('get', `/negotiations/${n}/annotations/${annotations[0].id}`, `${N}/annotations/{annotationId}`, as);
    await check('get', `/negotiations/${n}/articles/${article}/authorship`, `${N}/articles/{articleId}/authorship`, as);
    await check('get', `/negotiations/${n}/votes`, `${N}/votes`, as);
    // A vote closed here, so that its answer carries a tally.
    const opened = (await (await call(server, `/negotiations/${n}/votes`, as)).json()) as { id: string; status: string; result: unknown }[];
    const vote = opened.find((v) => v.result) ?? opened[0];
    expect(vote, 'the demo has a vote').toBeDefined();
    await check('get', `/negotiations/${n}/votes/${vote.id}`, `${N}/votes/{voteId}`, as);
    await check('get', `/negotiations/${n}/positions`, `${N}/positions`, as);
    await check('get', `/negotiations/${n}/positions/matrix`, `${N}/positions/matrix`, as);
    await check('get', `/negotiations/${n}/signature`, `${N}/signature`, as);
    await check('get', `/negotiations/${ids.negotiations.cppni}/signature`, `${N}/signature`, as); // a settled campaign, signed and opposed
    await check('get', `/negotiations/${n}/validity`, `${N}/validity`, as);
    await check('get', `/negotiations/${n}/compare`, `${N}/compare`, as); // 400: no versions named
    await check('post', '/auth/login', '/auth/login', { body: { email: 'negociateur@axess.demo', password: 'faux' }, origin: server.url });
    await check('post', `/negotiations/${n}/articles`, `${N}/articles`, { ...as, body: { title: 'Article ajouté par le test du contrat' }, origin: server.url });
    await check('post', `/negotiations/${n}/versions`, `${N}/versions`, { ...as, body: { name: 'Version du test du contrat' }, origin: server.url });
    await check('post', `/negotiations/${n}/versions`, `${N}/versions`, { ...as, body: { name: '' }, origin: server.url }); // 400
    await check('get', `/negotiations/${n}/versions`, `${N}/versions`, as); // with the version just made
    const [made] = (await (await call(server, `/negotiations/${n}/versions`, as)).json()) as { id: string }[];
    await check('get', `/negotiations/${n}/versions/${made.id}`, `${N}/versions/{versionId}`, as);
    await check('get', `/negotiations/${n}/compare?from=${made.id}&to=live`, `${N}/compare`, as);
    await check('get', `/negotiations/${n}/versions/live/export.docx`, `${N}/versions/{versionId}/export.{format}`, as);
    await check('get', '/openapi.json', '/openapi.json');
    await check('get', '/asyncapi.json', '/asyncapi.json');
    await check('get', '/docs', '/docs');
    // The amendments, one with its diffs; the sessions, each with its current item and minutes
    // (one opened here on an article, so that the projector's answer carries one).
    const tabler = await connect(server, cfdtLead);
    await join(tabler, n, 0);
    const tabled = await command(tabler, 'amendment:table', { negotiationId: n, articleId: article, content: { kind: 'replace-article', text: 'Texte proposé par le test du contrat.' }, justification: 'Pour le contrat.' });
    expect(tabled).toMatchObject({ ok: true });
    tabler.disconnect();
    await check('get', `/negotiations/${n}/amendments`, `${N}/amendments`, as);
    const amendments = (await (await call(server, `/negotiations/${n}/amendments`, as)).json()) as { id: string }[];
    expect(amendments.length, 'the demo has amendments').toBeGreaterThan(0);
    await check('get', `/negotiations/${n}/amendments/${amendments[0].id}`, `${N}/amendments/{amendmentId}`, as);
    const secretariat = await login(server, 'secretariat@axess.demo');
    const sessions = (await (await call(server, `/negotiations/${n}/sessions`, as)).json()) as { id: string; status: string }[];
    const convened = sessions.find((s) => s.status === 'convened');
    expect(convened, 'the demo has a session to open').toBeDefined();
    const chair = await connect(server, secretariat);
    await join(chair, n, 0);
    expect(await command(chair, 'session:open', { negotiationId: n, sessionId: convened!.id })).toMatchObject({ ok: true });
    expect(await command(chair, 'session:goto', { negotiationId: n, sessionId: convened!.id, index: 1 })).toMatchObject({ ok: true });
    chair.disconnect();
    for (const [negotiation, listed] of [
      [n, sessions],
      [ids.negotiations.cppni, (await (await call(server, `/negotiations/${ids.negotiations.cppni}/sessions`, as)).json()) as { id: string }[]],
    ] as const) {
      for (const { id } of listed) {
        await check('get', `/negotiations/${negotiation}/sessions/${id}`, `${N}/sessions/{sessionId}`, as);
        await check('get', `/negotiations/${negotiation}/sessions/${id}/current`, `${N}/sessions/{sessionId}/current`, as);
        await check('get', `/negotiations/${negotiation}/sessions/${id}/minutes`, `${N}/sessions/{sessionId}/minutes`, as);
      }
    }
    await check('get', `/negotiations/${ids.negotiations.cppni}/validity`, `${N}/validity`, as); // a settled campaign: void
    // A signed export is authentic; a byte less is not.
    const campaign = ((await (await call(server, `/negotiations/${ids.negotiations.cppni}/signature`, as)).json()) as { campaign: { version: { id: string } } }).campaign;
    const exported = await (await call(server, `/negotiations/${ids.negotiations.cppni}/versions/${campaign.version.id}/export.json`, as)).text();
    const raw = { headers: { 'content-type': 'application/octet-stream' }, origin: server.url };
    await check('post', '/verify', '/verify', { ...raw, body: exported });
    await check('post', '/verify', '/verify', { ...raw, body: exported.slice(0, -1) });
    await check('post', '/auth/logout', '/auth/logout', { ...as, origin: server.url });
    expect(checked.filter((c) => c.includes('/sessions/')).length).toBeGreaterThanOrEqual(9);
    expect(checked.filter((c) => / 2\d\d$/.test(c)).map((c) => c.split(' ')[1].replace(/[a-f0-9]{24}|[0-9a-zA-Z_-]{20,}/g, '…'))).toEqual(
      expect.arrayContaining(['/negotiations/…/amendments/…', '/negotiations/…/sessions/…/current', '/negotiations/…/sessions/…/minutes', '/negotiations/…/validity', '/verify']),
    );
  });

  it('the Socket.IO commands and events are described in a valid AsyncAPI 3.0 document, from the typed catalogue', async () => {
    const asyncApi = (await (await call(server, '/asyncapi.json')).json()) as Json & { operations: Record<string, Json>; channels: { negotiation: { messages: Record<string, Json> } } };
    // The AsyncAPI schema carries its own copy of the draft-07 meta-schema.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, meta: false, validateSchema: false });
    const validate = ajv.compile((asyncApiSpecs as unknown as { schemas: Record<string, object> }).schemas['3.0.0']);
    expect(validate(asyncApi) ? [] : validate.errors).toEqual([]);
    const { COMMAND_NAMES } = await import('../../shared/commands.ts');
    for (const name of COMMAND_NAMES) expect(Object.values(asyncApi.channels.negotiation.messages).some((m) => m.name === name), name).toBe(true);
    const vote = asyncApi.channels.negotiation.messages.vote_cast.payload as { required: string[] };
    expect(vote.required).toContain('negotiationId');
  });
});
