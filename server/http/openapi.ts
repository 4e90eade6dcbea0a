import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';
import { VERSION, type Capability } from '../app.ts';
import { z } from 'zod';
import { COMMANDS, type CommandName } from '../../shared/commands.ts';
import { EVENTS, EVENT_TYPES, type EventType } from '../../shared/events.ts';
import { COMMAND_ACK_SCHEMAS, NegotiationEventSchema } from '../../shared/schemas/acks.ts';
import { ERROR_CODES } from '../../shared/errors.ts';
import { MinutesBlockSchema } from '../../shared/sessions/minutes-schema.ts';
import { ReasonSchema } from '../../shared/validity/scenario.ts';
import { AmendmentViewSchema, AnnotationViewSchema, MinutesViewSchema, PositionSchema, SessionViewSchema, VoteViewSchema } from '../../shared/schemas/answers.ts';
import { SESSION_COOKIE } from '../auth/session.service.ts';
import { apiRoutes, ErrorBodySchema, type RouteDescription } from './api-description.ts';

type JsonSchema = Record<string, unknown>;

/**
 * The names of the schemas the documents write once, as components: the recursive ones (a
 * minutes' block holds lists of blocks, a validity reason cites reasons) and those many answers
 * share. zod writes each under `$defs`, and the documents move it to their components under
 * this name. A recursive schema left unnamed stops the documents' build (zod would call it
 * `__schema0`, and two of those would collide).
 */
const SCHEMA_NAMES = z.registry<{ id: string }>();
SCHEMA_NAMES.add(MinutesBlockSchema, { id: 'MinutesBlock' });
SCHEMA_NAMES.add(ReasonSchema, { id: 'ValidityReason' });
// The views several answers and acks carry, written once each.
SCHEMA_NAMES.add(AmendmentViewSchema, { id: 'AmendmentView' });
SCHEMA_NAMES.add(AnnotationViewSchema, { id: 'AnnotationView' });
SCHEMA_NAMES.add(PositionSchema, { id: 'Position' });
SCHEMA_NAMES.add(SessionViewSchema, { id: 'SessionView' });
SCHEMA_NAMES.add(MinutesViewSchema, { id: 'MinutesView' });
SCHEMA_NAMES.add(VoteViewSchema, { id: 'VoteView' });

/** The components a document's schemas refer to (`#/components/schemas/NAME`), filled as they are written. */
type SharedSchemas = Record<string, JsonSchema>;

/**
 * zod 4's own JSON Schema (2020-12, the dialect of OpenAPI 3.1 and of AsyncAPI's schemas), what
 * a client sends (`input`) or receives (`output`). A schema's `$defs` move to `shared`, and its
 * references with them: in a document, `#/$defs/…` would point at the document's root.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output', shared: SharedSchemas): JsonSchema {
  const { $schema: _dialect, $defs, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', metadata: SCHEMA_NAMES }) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  // `input` and `output` differ (defaults, closed objects): each side keeps its own component.
  const suffix = io === 'input' ? 'Input' : '';
  const moved = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(moved);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, key === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/') ? `#/components/schemas/${inner.slice('#/$defs/'.length)}${suffix}` : moved(inner)]),
    );
  };
  for (const [name, def] of Object.entries($defs ?? {})) {
    if (name.startsWith('__schema')) throw new Error(`A recursive schema has no name for the API's documents: add it to SCHEMA_NAMES (server/http/openapi.ts). ${JSON.stringify(def).slice(0, 200)}`);
    const component = moved(def) as JsonSchema;
    const key = `${name}${suffix}`;
    if (shared[key] && JSON.stringify(shared[key]) !== JSON.stringify(component)) throw new Error(`Two schemas named ${key} differ.`);
    shared[key] = component;
  }
  return moved(rest) as JsonSchema;
}

/** `/negotiations/:negotiationId/versions/:versionId/export.:format` → `/api/negotiations/{negotiationId}/…/export.{format}`. */
export function openApiPath(expressPath: string): string {
  return `/api${expressPath.replace(/:(\w+)/g, '{$1}')}`;
}

const ERROR = { $ref: '#/components/responses/Error' };

function operation(route: RouteDescription, shared: SharedSchemas): JsonSchema {
  const parameters: JsonSchema[] = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: name === 'format' && route.formats ? { type: 'string', enum: route.formats } : { type: 'string' },
  }));
  if (route.query) {
    const query = jsonSchema(route.query, 'input', shared) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
    }
  }
  const { answer } = route;
  const content = answer.file
    ? Object.fromEntries(answer.file.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]))
    : answer.json
      ? { 'application/json': { schema: jsonSchema(answer.json, 'output', shared) } }
      : undefined;
  const responses: JsonSchema = { [String(answer.status)]: { description: answer.description, ...(content ? { content } : {}) } };
  if (route.path === '/ready') {
    responses['503'] = {
      description: 'Pas prêt : la base (ou Redis) ne répond pas.',
      content: { 'application/json': { schema: jsonSchema(ErrorBodySchema.extend({ checks: z.record(z.string(), z.unknown()) }), 'output', shared) } },
    };
  }
  responses['4XX'] = ERROR;
  responses['5XX'] = ERROR;
  return {
    operationId: route.command ?? `${route.method} ${route.path}`.replace(/[^\w]+(\w)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
    tags: [route.tag],
    summary: route.summary,
    ...(route.access.kind === 'public' ? { security: [] } : {}),
    ...(route.access.kind === 'mandate'
      ? { description: `Un mandat dans la négociation qui permet \`${route.access.action}\`.`, 'x-required-action': route.access.action }
      : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input', shared) } } } } : {}),
    ...(route.rawBody ? { requestBody: { required: true, content: { [route.rawBody]: { schema: { type: 'string', format: 'binary' } } } } } : {}),
    responses,
  };
}

/** A markdown table of the Socket.IO commands and events, for the reference page. */
function realtimeSection(): string {
  const commands = Object.entries(COMMANDS).map(([name, spec]) => `| \`${name}\` | \`${spec.action}\` |`);
  const events = EVENT_TYPES.map((type) => `| \`${type}\` | ${EVENTS[type].stream} |`);
  return [
    '## Temps réel (Socket.IO)',
    '',
    'Le client se connecte à Socket.IO sur la même origine (`/socket.io/`, cookie de session), envoie `negotiation:join { negotiationId }`, puis reçoit les événements de la négociation qu’il peut voir (`negotiation:event`, dans l’ordre de `seq`). Chaque commande porte `negotiationId` et reçoit un accusé `{ ok: true, data }` ou `{ ok: false, error: { code, message } }`. Les schémas des charges utiles sont dans le document AsyncAPI : [/api/asyncapi.json](/api/asyncapi.json).',
    '',
    '| Commande | Action requise |',
    '| --- | --- |',
    ...commands,
    '',
    '| Événement (`negotiation:event`, champ `type`) | Flux |',
    '| --- | --- |',
    ...events,
    '',
    'Le serveur envoie aussi `session:ended { reason }` (session terminée : la connexion se ferme) et `negotiation:access-ended { negotiationId }` (le mandat ne permet plus de suivre la négociation).',
  ].join('\n');
}

/** The OpenAPI 3.1 document of every route under /api. */
export function openApiDocument(version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const shared: SharedSchemas = {};
  for (const route of apiRoutes()) {
    const entry = (paths[openApiPath(route.path)] ??= {});
    entry[route.method] = operation(route, shared);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Espace de négociation — API',
      version,
      description: [
        'L’API HTTP de l’espace de négociation : JSON sur la même origine, session par cookie (`POST /api/auth/login`). Une écriture vient avec l’en-tête `Origin` du site. Chaque erreur a la forme `{ error: { code, message } }`, `code` dans une liste fermée, `message` en français.',
        '',
        realtimeSection(),
      ].join('\n'),
    },
    servers: [{ url: '/' }],
    security: [{ session: [] }],
    paths,
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } },
      schemas: { ...shared, Error: jsonSchema(ErrorBodySchema, 'output', shared) },
      responses: {
        Error: { description: `Refusé ou en échec : un code parmi ${ERROR_CODES.join(', ')}.`, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    },
  };
}

/** The name of an event's schema among the AsyncAPI document's components: `Event.amendment.tabled`. */
export const eventComponent = (type: EventType) => `Event.${type.replace(/:/g, '.')}`;

// Each event's schema is written once, as a component: `negotiation:event`'s messages and the
// join's ack (the events it catches up on) refer to it.
const EVENT_OPTIONS = (NegotiationEventSchema as unknown as { options: z.ZodType[] }).options;
EVENT_TYPES.forEach((type, i) => SCHEMA_NAMES.add(EVENT_OPTIONS[i], { id: eventComponent(type) }));

/**
 * The AsyncAPI 3.0 document of the Socket.IO channel: each command of shared/commands.ts with
 * its payload and its ack (the data of shared/schemas/acks.ts, or the one error shape), and
 * each event of shared/events.ts with its payload (shared/schemas/events.ts).
 */
export function asyncApiDocument(version: string): JsonSchema {
  const shared: SharedSchemas = {};
  const failed = { type: 'object', properties: { ok: { const: false }, error: jsonSchema(ErrorBodySchema.shape.error, 'output', shared) }, required: ['ok', 'error'] };
  const messages: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  const key = (name: string) => name.replace(/[^\w]/g, '_');
  for (const [name, spec] of Object.entries(COMMANDS) as [CommandName, (typeof COMMANDS)[CommandName]][]) {
    messages[key(name)] = { name, title: name, summary: `Commande ; action requise : ${spec.action}.`, payload: jsonSchema(spec.schema, 'input', shared) };
    const done = { type: 'object', properties: { ok: { const: true }, data: jsonSchema(COMMAND_ACK_SCHEMAS[name], 'output', shared) }, required: ['ok', 'data'] };
    messages[`${key(name)}_ack`] = { name: `${name} (accusé)`, title: `${name} (accusé)`, payload: { oneOf: [done, failed] } };
    operations[key(name)] = {
      action: 'receive',
      channel: { $ref: '#/channels/negotiation' },
      messages: [{ $ref: `#/channels/negotiation/messages/${key(name)}` }],
      reply: { channel: { $ref: '#/channels/negotiation' }, messages: [{ $ref: `#/channels/negotiation/messages/${key(name)}_ack` }] },
    };
  }
  // Written for its components: every event's schema.
  jsonSchema(NegotiationEventSchema, 'output', shared);
  const eventMessages: string[] = [];
  for (const type of EVENT_TYPES) {
    const name = `event_${key(type)}`;
    messages[name] = {
      name: 'negotiation:event',
      title: type,
      summary: `L’événement ${type} (flux ${EVENTS[type].stream}), une fois, dans l’ordre de seq.`,
      payload: { $ref: `#/components/schemas/${eventComponent(type)}` },
    };
    eventMessages.push(name);
  }
  messages.session_ended = { name: 'session:ended', payload: { type: 'object', properties: { reason: { type: 'string' } }, required: ['reason'] } };
  messages.negotiation_access_ended = {
    name: 'negotiation:access-ended',
    payload: { type: 'object', properties: { negotiationId: { type: 'string' } }, required: ['negotiationId'] },
  };
  operations.send_negotiation_event = {
    action: 'send',
    channel: { $ref: '#/channels/negotiation' },
    summary: 'Chaque événement de la négociation que la personne peut voir (Socket.IO : `negotiation:event`).',
    messages: eventMessages.map((name) => ({ $ref: `#/channels/negotiation/messages/${name}` })),
  };
  for (const name of ['session_ended', 'negotiation_access_ended']) {
    operations[`send_${name}`] = { action: 'send', channel: { $ref: '#/channels/negotiation' }, messages: [{ $ref: `#/channels/negotiation/messages/${name}` }] };
  }
  return {
    asyncapi: '3.0.0',
    info: { title: 'Espace de négociation — temps réel (Socket.IO)', version, description: 'Socket.IO sur la même origine, cookie de session.' },
    defaultContentType: 'application/json',
    channels: { negotiation: { address: '/', title: 'Espace de noms Socket.IO par défaut', messages } },
    operations,
    components: { schemas: shared },
  };
}

const require = createRequire(import.meta.url);
const SWAGGER_UI = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** The reference page: Swagger UI's own files, started by a script of ours (no inline script, no inline style: the CSP holds). */
const DOCS_PAGE = `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Espace de négociation — API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/start.js"></script>
</body></html>
`;
const DOCS_START = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', validatorUrl: null, deepLinking: true });\n`;

/** GET /api/openapi.json, /api/asyncapi.json and the reference page /api/docs. */
export function serveApiDescription(api: Router, version: string): void {
  let openApi: JsonSchema | null = null;
  let asyncApi: JsonSchema | null = null;
  api.get('/openapi.json', (_req, res) => {
    res.json((openApi ??= openApiDocument(version)));
  });
  api.get('/asyncapi.json', (_req, res) => {
    res.json((asyncApi ??= asyncApiDocument(version)));
  });
  api.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });
  api.get('/docs/start.js', (_req, res) => {
    res.type('js').send(DOCS_START);
  });
  api.use('/docs/assets', express.static(SWAGGER_UI, { index: false, maxAge: '1d' }));
}

/** The API's own description, registered after every other capability (server/capabilities.ts). */
export const registerApiDescription: Capability = (ctx) => serveApiDescription(ctx.api, VERSION);
