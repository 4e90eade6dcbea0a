import type { Capability } from './app.ts';
import { registerAuth } from './auth/auth.routes.ts';
import { registerMail } from './mail/mail.capability.ts';
import { registerNegotiations } from './negotiations/negotiation.routes.ts';
import { registerRealtime } from './realtime/realtime.handlers.ts';
import { registerPositions } from './positions/position.handlers.ts';
import { registerCollab } from './collab/collab.capability.ts';
import { registerVersions } from './versions/versions.routes.ts';
import { registerVotes } from './votes/vote.handlers.ts';
import { registerAmendments } from './amendments/amendment.handlers.ts';
import { registerAnnotations } from './annotations/annotation.handlers.ts';
import { registerSignature } from './signature/signature.routes.ts';
import { registerSessions } from './sessions/session.handlers.ts';
import { registerApiDescription } from './http/openapi.ts';

/**
 * Every capability of the workspace, in the order they are wired.
 * Each folder (auth, negotiations, collab, …) exports one `register…` function.
 * Mail comes first (everything may write to the outbox, and it stops last); then auth: it
 * installs the CSRF origin check and the Socket.IO handshake gate. The API's description
 * (/api/openapi.json, /api/docs) comes last: it reads every route's catalogue entry.
 */
export const capabilities: Capability[] = [registerMail, registerAuth, registerNegotiations, registerRealtime, registerVotes, registerPositions, registerCollab, registerVersions, registerSignature, registerSessions, registerAmendments, registerAnnotations, registerApiDescription];
