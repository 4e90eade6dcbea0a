import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv } from 'ajv';
import asyncApiSpecs from '@asyncapi/specs';
import * as Y from 'yjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useDemoTable } from '../helpers/demo-table.ts';
import { call } from '../helpers/auth.ts';
import { COMMAND_NAMES, type CommandName } from '../../shared/commands.ts';
import { EVENT_TYPES, type NegotiationEvent } from '../../shared/events.ts';
import type { Ack } from '../../shared/errors.ts';
import { eventComponent } from '../../server/http/openapi.ts';
import { collect, command } from './realtime-client.ts';
import { connectClient, synced } from './yjs-helpers.ts';

type Json = Record<string, unknown>;
interface AsyncApi {
  channels: { negotiation: { messages: Record<string, Json & { name: string; title?: string; payload: Json }> } };
  operations: Record<string, Json>;
  components: { schemas: Record<string, Json> };
}

const key = (name: string) => name.replace(/[^\w]/g, '_');
const isAny = (schema: unknown) => !!schema && typeof schema === 'object' && Object.keys(schema).length === 0;

describe('the Socket.IO contract (AsyncAPI 3.0 at /api/asyncapi.json)', () => {
  const table = useDemoTable(['secretariat', 'axess', 'cfdt', 'cgt', 'chair'] as const);
  let doc: AsyncApi;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  /** A schema of the document, with the components its references point at. */
  const validator = (schema: Json) => ajv.compile({ ...schema, components: doc.components });

  beforeAll(async () => {
    const response = await call(table.server, '/asyncapi.json');
    expect(response.status).toBe(200);
    doc = (await response.json()) as AsyncApi;
  });

  it('is a valid AsyncAPI 3.0 document (the AsyncAPI initiative’s own JSON Schema of the specification)', () => {
    // The AsyncAPI schema carries its own copy of the draft-07 meta-schema.
    const specAjv = new Ajv({ strict: false, allErrors: true, validateFormats: false, meta: false, validateSchema: false });
    const validate = specAjv.compile((asyncApiSpecs as unknown as { schemas: Record<string, object> }).schemas['3.0.0']);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
  });

  it('every command has its payload and its ack described, and every event its payload', () => {
    const { messages } = doc.channels.negotiation;
    const undescribed: string[] = [];
    for (const name of COMMAND_NAMES) {
      const payload = messages[key(name)]?.payload;
      if (!payload || isAny(payload)) undescribed.push(`${name}: payload`);
      const ack = messages[`${key(name)}_ack`]?.payload as { oneOf?: { properties: { ok: { const: boolean }; data?: Json } }[] } | undefined;
      const done = ack?.oneOf?.find((branch) => branch.properties.ok.const === true);
      if (!done?.properties.data || isAny(done.properties.data)) undescribed.push(`${name}: ack`);
    }
    for (const type of EVENT_TYPES) {
      const message = Object.values(messages).find((m) => m.name === 'negotiation:event' && m.title === type);
      const schema = doc.components.schemas[eventComponent(type)] as { properties?: { type?: { const?: string }; payload?: Json } } | undefined;
      if (!message || !schema?.properties?.payload || isAny(schema.properties.payload) || schema.properties.type?.const !== type) undescribed.push(`${type}: payload`);
    }
    expect(undescribed).toEqual([]);
    const sent = (doc.operations.send_negotiation_event.messages as { $ref: string }[]).length;
    expect(sent).toBe(EVENT_TYPES.length);
  });

  it('a scripted negotiation: every command’s ack and every event a real server sends match the document', { timeout: 120_000 }, async () => {
    const n = table.negotiationId;
    const acked = new Set<CommandName>();
    const mismatches: string[] = [];
    const ackValidators = new Map<string, ReturnType<typeof validator>>();
    /** A command that must succeed; its ack is checked against the document. */
    const ok = async <T = Json>(who: 'secretariat' | 'axess' | 'cfdt' | 'cgt' | 'chair', name: CommandName, payload: Json): Promise<T> => {
      const ack = (await command(table.sockets[who], name, { negotiationId: n, ...payload })) as Ack<T>;
      if (!ack.ok) throw new Error(`${name} by ${who}: ${ack.error.code} ${ack.error.message}`);
      let validate = ackValidators.get(name);
      if (!validate) ackValidators.set(name, (validate = validator(doc.channels.negotiation.messages[`${key(name)}_ack`].payload)));
      if (!validate(ack)) mismatches.push(`${name} ack: ${JSON.stringify(validate.errors).slice(0, 500)}`);
      acked.add(name);
      return ack.data;
    };

    // Everyone joins from the start: the join's ack carries the seeded log (its catch-up events are checked with it).
    const received: NegotiationEvent[][] = [];
    for (const who of ['secretariat', 'axess', 'cfdt', 'cgt', 'chair'] as const) {
      received.push(collect(table.sockets[who]));
      await ok(who, 'negotiation:join', { sinceSeq: 0 });
    }
    const detail = (await (await call(table.server, `/negotiations/${n}`, { cookie: table.cookies.axess })).json()) as { articles: { id: string }[]; organisations: { id: string; shortName: string }[] };
    const article = detail.articles[1].id;
    const org = (shortName: string) => detail.organisations.find((o) => o.shortName === shortName)!.id;

    // Amendments: drafted then tabled, discussed, adopted, merged; another rejected; a third withdrawn.
    const replace = (text: string) => ({ articleId: article, content: { kind: 'replace-article', text }, justification: 'Pour le contrat temps réel.' });
    const draft = await ok<{ id: string }>('cfdt', 'amendment:draft', replace('Texte du projet CFDT.'));
    await ok('cfdt', 'amendment:table', { amendmentId: draft.id });
    await ok('secretariat', 'amendment:discuss', { amendmentId: draft.id });
    await ok('secretariat', 'amendment:adopt', { amendmentId: draft.id });
    await ok('axess', 'amendment:merge', { amendmentId: draft.id });
    const rejected = await ok<{ id: string }>('cgt', 'amendment:table', replace('Texte de la CGT.'));
    await ok('secretariat', 'amendment:discuss', { amendmentId: rejected.id });
    await ok('secretariat', 'amendment:reject', { amendmentId: rejected.id });
    const withdrawn = await ok<{ id: string }>('cgt', 'amendment:table', replace('Second texte de la CGT.'));
    await ok('cgt', 'amendment:withdraw', { amendmentId: withdrawn.id });

    // An annotation for the committee, answered, resolved, reopened.
    const reader = connectClient(table.server.url, `article:${article}`, table.cookies.axess);
    await synced(reader);
    const paragraph = (reader.doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const position = (i: number) => Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(paragraph, i))).toString('base64');
    reader.destroy();
    const note = await ok<{ id: string }>('cfdt', 'annotation:create', { articleId: article, anchor: { start: position(0), end: position(4) }, body: 'Une note', visibility: 'committee' });
    await ok('cgt', 'annotation:reply', { annotationId: note.id, body: 'Une réponse' });
    await ok('cfdt', 'annotation:resolve', { annotationId: note.id });
    await ok('cfdt', 'annotation:reopen', { annotationId: note.id });

    await ok('cgt', 'position:declare', { stance: 'réservé', statement: 'Réserve de la CGT.', item: { kind: 'article', id: article } });

    // A session from its convocation to its approved minutes, with a vote held in it.
    const session = await ok<{ id: string }>('secretariat', 'session:convene', {
      title: 'Séance du contrat temps réel',
      startsAt: '2027-01-12T09:30:00.000Z',
      place: 'Paris',
      agenda: [
        { kind: 'free', title: 'Ouverture' },
        { kind: 'article', articleId: article },
        { kind: 'vote', title: 'Vote indicatif' },
      ],
    });
    const s = { sessionId: session.id };
    await ok('secretariat', 'session:update-agenda', {
      ...s,
      agenda: [
        { kind: 'free', title: 'Ouverture' },
        { kind: 'article', articleId: article },
        { kind: 'vote', title: 'Vote indicatif' },
        { kind: 'amendment', amendmentId: draft.id },
      ],
    });
    await ok('secretariat', 'session:record-attendance', { ...s, entries: [{ org: org('CFDT'), status: 'present', delegates: ['Claire Martin'] }, { org: org('FO'), status: 'excused' }], observers: ['Un observateur'] });
    await ok('secretariat', 'session:open', s);
    await ok('secretariat', 'session:advance', s);
    await ok('secretariat', 'session:goto', { ...s, index: 0 });
    const withSpeakers = await ok<{ speakers: { id: string }[][] }>('chair', 'session:speaker-add', { ...s, index: 0, org: org('CFDT') });
    const withTwo = await ok<{ speakers: { id: string }[][] }>('chair', 'session:speaker-add', { ...s, index: 0, org: org('CGT'), name: 'Delphine Roux' });
    expect(withSpeakers.speakers[0]).toHaveLength(1);
    await ok('chair', 'session:speaker-move', { ...s, index: 0, speakerId: withTwo.speakers[0][1].id, to: 0 });
    await ok('chair', 'session:speaker-spoke', { ...s, index: 0, speakerId: withTwo.speakers[0][1].id });
    await ok('chair', 'session:speaker-remove', { ...s, index: 0, speakerId: withTwo.speakers[0][0].id });
    await ok('chair', 'session:move-item', { ...s, from: 3, to: 1 });
    const vote = await ok<{ id: string }>('secretariat', 'vote:open', { item: { kind: 'article', id: article }, rule: 'consensus', title: 'Vote indicatif', sessionId: session.id });
    await ok('secretariat', 'session:link-vote', { ...s, index: 3, voteId: vote.id });
    await ok('cfdt', 'vote:cast', { voteId: vote.id, choice: 'pour' });
    await ok('cgt', 'vote:cast', { voteId: vote.id, choice: 'abstention' });
    await ok('secretariat', 'vote:close', { voteId: vote.id });
    await ok('secretariat', 'session:close', { ...s, nextSession: 'Le 2 février' });
    await ok('secretariat', 'minutes:draft', s);
    await ok('secretariat', 'minutes:circulate', s);
    await ok('secretariat', 'minutes:approve', s);
    const called = await ok<{ id: string }>('secretariat', 'session:convene', { title: 'Séance annulée', startsAt: '2027-02-02T09:30:00.000Z', place: 'Paris' });
    await ok('secretariat', 'session:cancel', { sessionId: called.id, reason: 'Calendrier revu par le ministère.' });

    // The HTTP commands' events reach the sockets too: a version, an article and its status.
    const http = { cookie: table.cookies.axess, origin: table.server.url };
    expect((await call(table.server, `/negotiations/${n}/versions`, { ...http, body: { name: 'Version du contrat temps réel' } })).status).toBe(201);
    expect((await call(table.server, `/negotiations/${n}/articles`, { ...http, body: { title: 'Article du contrat temps réel' } })).status).toBe(201);
    expect((await call(table.server, `/negotiations/${n}/articles/${article}/status`, { ...http, method: 'PUT', body: { status: 'bracketed' } })).status).toBe(200);

    await ok('chair', 'negotiation:leave', {});
    // Every event pushed to any socket, checked against its type's schema.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pushed: NegotiationEvent[] = ([] as NegotiationEvent[]).concat(...received);
    const seen = new Set<string>();
    for (const event of pushed) {
      const validate = validator({ $ref: `#/components/schemas/${eventComponent(event.type)}` });
      const matches = validate(structuredClone(event));
      if (!matches) mismatches.push(`${event.type} #${event.seq}: ${JSON.stringify(validate.errors).slice(0, 500)}`);
      seen.add(event.type);
    }
    expect(mismatches).toEqual([]);
    expect(COMMAND_NAMES.filter((name) => !acked.has(name))).toEqual([]);
    // The script's events, pushed live (the join's catch-up covered the seeded ones).
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'amendment:drafted',
        'amendment:tabled',
        'amendment:discussed',
        'amendment:adopted',
        'amendment:merged',
        'amendment:rejected',
        'amendment:withdrawn',
        'annotation:created',
        'annotation:replied',
        'annotation:resolved',
        'annotation:reopened',
        'position:declared',
        'session:convened',
        'session:agenda-updated',
        'session:attendance-recorded',
        'session:opened',
        'session:item-changed',
        'session:speakers-updated',
        'vote:opened',
        'ballot:cast',
        'vote:closed',
        'session:closed',
        'minutes:drafted',
        'minutes:circulated',
        'minutes:approved',
        'session:cancelled',
        'version:created',
        'article:added',
        'article:status-changed',
      ]),
    );
  });
});
