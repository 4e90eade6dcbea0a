import { z } from 'zod';
import type { Action } from './access.ts';
import { InviteBodySchema, RolesBodySchema, SuspendBodySchema, type ArticleStatus, type SentInvitation } from './identity.ts';
import {
  NotifyBodySchema,
  OpenCampaignBodySchema,
  OppositionBodySchema,
  RecommendationBodySchema,
  ReferendumBodySchema,
  SignBodySchema,
  TransitionBodySchema,
  type CampaignView,
} from './signature/campaign.ts';
import {
  ArticleStatusBodySchema,
  EditArticleBodySchema,
  NewArticleBodySchema,
  RenumberBodySchema,
  VersionBodySchema,
  type StructureEntry,
} from './structure.ts';
import type { VersionSummary } from './text-diff.ts';

/**
 * THE catalogue of the commands sent over HTTP (those that carry a password or a file, or
 * that predate the channel): method, path, the schema of the body, the action the actor's
 * mandate must allow in the path's negotiation, the status of a success and the type of
 * what it answers. The server registers each through `httpCommand` (parse → authorise →
 * use case → reply), the twin of the socket `onCommand`; the client calls them by name.
 */

export type HttpMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpCommandSpec<P extends string, S extends z.ZodType, R> {
  readonly method: HttpMethod;
  /** Under `/api`; `:name` segments are path parameters, `:negotiationId` always among them. */
  readonly path: P;
  readonly body: S;
  readonly action: Action;
  /** 201 for what creates, 202 for what is sent on (a mail), 204 for what answers nothing. */
  readonly status: 200 | 201 | 202 | 204;
  /** Never set: carries the type of the answer. */
  readonly resultType: R;
}

/** A command without a body. */
export const NoBodySchema = z.object({}).optional();

const answers =
  <R>() =>
  <P extends `/negotiations/:negotiationId${string}`, S extends z.ZodType>(
    method: HttpMethod,
    path: P,
    body: S,
    action: Action,
    status: 200 | 201 | 202 | 204 = 200,
  ): HttpCommandSpec<P, S, R> =>
    ({ method, path, body, action, status }) as HttpCommandSpec<P, S, R>;

const N = '/negotiations/:negotiationId';

export const HTTP_COMMANDS = {
  'version:create': answers<VersionSummary>()('POST', `${N}/versions`, VersionBodySchema, 'version:create', 201),

  'article:add': answers<StructureEntry>()('POST', `${N}/articles`, NewArticleBodySchema, 'text:write', 201),
  'article:renumber': answers<{ renumbered: Record<string, string>; previous: Record<string, string>; token: string }>()('POST', `${N}/articles/renumber`, RenumberBodySchema, 'text:write'),
  'article:edit': answers<void>()('PATCH', `${N}/articles/:articleId`, EditArticleBodySchema, 'text:write', 204),
  'article:delete': answers<void>()('DELETE', `${N}/articles/:articleId`, NoBodySchema, 'text:write', 204),
  'article:set-status': answers<{ from: ArticleStatus; to: ArticleStatus }>()('PUT', `${N}/articles/:articleId/status`, ArticleStatusBodySchema, 'article:status'),

  'signature:open': answers<CampaignView>()('POST', `${N}/signature/open`, OpenCampaignBodySchema, 'signature:manage', 201),
  'recommendation:adopt': answers<CampaignView>()('POST', `${N}/signature/recommendation`, RecommendationBodySchema, 'signature:manage', 201),
  'signature:sign': answers<CampaignView>()('POST', `${N}/signature/sign`, SignBodySchema, 'signature:sign'),
  'signature:close': answers<CampaignView>()('POST', `${N}/signature/close`, NoBodySchema, 'signature:manage'),
  'agreement:notify': answers<CampaignView>()('POST', `${N}/signature/notifications`, NotifyBodySchema, 'signature:manage'),
  'agreement:referendum': answers<CampaignView>()('POST', `${N}/signature/referendum`, ReferendumBodySchema, 'signature:manage'),
  'opposition:file': answers<CampaignView>()('POST', `${N}/signature/oppositions`, OppositionBodySchema, 'signature:sign'),
  'agreement:transition': answers<CampaignView>()('POST', `${N}/signature/transitions`, TransitionBodySchema, 'signature:manage'),

  // Members: who may act on whom (own delegation, the secretariat for all) is checked by the use case.
  'member:invite': answers<SentInvitation>()('POST', `${N}/invitations`, InviteBodySchema, 'negotiation:read', 201),
  'invitation:cancel': answers<void>()('DELETE', `${N}/invitations/:invitationId`, NoBodySchema, 'negotiation:read', 204),
  'member:set-roles': answers<void>()('PATCH', `${N}/members/:membershipId`, RolesBodySchema, 'negotiation:read', 204),
  'member:revoke': answers<void>()('DELETE', `${N}/members/:membershipId`, NoBodySchema, 'delegation:manage', 204),
  'member:suspend': answers<void>()('POST', `${N}/members/:membershipId/suspension`, SuspendBodySchema, 'members:oversee', 204),
  'member:reinstate': answers<void>()('DELETE', `${N}/members/:membershipId/suspension`, NoBodySchema, 'members:oversee', 204),
  'member:password-reset': answers<{ sent: true }>()('POST', `${N}/members/:membershipId/password-reset`, NoBodySchema, 'delegation:manage', 202),

} as const;

export type HttpCommandName = keyof typeof HTTP_COMMANDS;
export type HttpCommandBody<K extends HttpCommandName> = z.input<(typeof HTTP_COMMANDS)[K]['body']>;
export type HttpCommandInput<K extends HttpCommandName> = z.output<(typeof HTTP_COMMANDS)[K]['body']>;
export type HttpCommandResult<K extends HttpCommandName> = (typeof HTTP_COMMANDS)[K]['resultType'];

/** `{ negotiationId: string; articleId: string }` for `/negotiations/:negotiationId/articles/:articleId`. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : unknown;

export type HttpCommandParams<K extends HttpCommandName> = PathParams<(typeof HTTP_COMMANDS)[K]['path']>;

/** The path of a command with its parameters filled in (each one URI-encoded). */
export function commandPath<K extends HttpCommandName>(name: K, params: HttpCommandParams<K>): string {
  const values = params as Record<string, string>;
  return HTTP_COMMANDS[name].path.replace(/:([A-Za-z]+)/g, (_m, key: string) => encodeURIComponent(values[key] ?? ''));
}
