// What one connection has proved, under `--auth`: the SCRAM-SHA-256 conversation (RFC 5802 as
// mongod runs it: saslStart, saslContinue, the first step also carried by the handshake's
// speculativeAuthenticate) and the gate that answers mongod's error 13 to an unauthenticated
// connection for anything but the handshake.
import crypto from 'node:crypto';
import { Binary } from '../bson/codec.ts';
import type { Doc } from '../bson/codec.ts';
import type { EngineState } from '../commands/context.ts';
import { CommandError, ErrorCode } from '../errors.ts';
import { findCredentials, hmac, SCRAM_SHA_256, sha256, USERS_DB, type ScramCredentials } from './users.ts';

/** What mongod runs for a connection that has not authenticated (their requiresAuth() is false). */
const OPEN_COMMANDS = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'buildInfo', 'buildinfo', 'saslStart', 'saslContinue', 'logout']);

const FAILED = 'Authentication failed.';

interface Conversation {
  id: number;
  db: string;
  user: string;
  keys: ScramCredentials;
  gs2Header: string;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
  skipEmptyExchange: boolean;
  /** The proof was checked and the server's signature sent; only the empty exchange may follow. */
  proved: boolean;
}

function text(payload: unknown): string {
  if (payload instanceof Binary) return Buffer.from(payload.buffer.subarray(0, payload.position)).toString('utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString('utf8');
  if (typeof payload === 'string') return payload;
  throw new CommandError(ErrorCode.BadValue, 'payload must be binary');
}

function binary(value: string): InstanceType<typeof Binary> {
  return new Binary(Buffer.from(value, 'utf8'));
}

/** RFC 5802 attributes (`a=value`, comma-separated), in order. */
function attributes(message: string): [string, string][] {
  return message.split(',').map((part) => {
    const match = /^([a-zA-Z])=(.*)$/s.exec(part);
    if (!match) throw new CommandError(ErrorCode.BadValue, `malformed SCRAM message: ${JSON.stringify(part.slice(0, 40))}`);
    return [match[1]!, match[2]!];
  });
}

/** saslname: `=2C` is a comma and `=3D` an equals sign; any other `=` is malformed. */
function unescapeName(name: string): string {
  if (/=(?!2C|3D)/.test(name)) throw new CommandError(ErrorCode.BadValue, 'malformed SCRAM user name');
  return name.replaceAll('=2C', ',').replaceAll('=3D', '=');
}

export class ConnectionAuth {
  /** `db.user` once a conversation succeeded. */
  user?: { db: string; name: string };
  private conversation?: Conversation;
  private readonly engine: EngineState;
  private readonly connectionId: number;
  private readonly remote: string | undefined;

  constructor(engine: EngineState, connectionId: number, remote: string | undefined) {
    this.engine = engine;
    this.connectionId = connectionId;
    this.remote = remote;
  }

  /** mongod's refusal for a command this connection may not run yet, or undefined. */
  refusal(name: string): Doc | undefined {
    if (this.user || OPEN_COMMANDS.has(name)) return undefined;
    return new CommandError(ErrorCode.Unauthorized, `command ${name} requires authentication`).toReply();
  }

  /** Answers saslStart, saslContinue and logout; undefined for any other command. */
  async answer(db: string, name: string, body: Doc): Promise<Doc | undefined> {
    try {
      if (name === 'saslStart') return { ...(await this.start(db, body)), ok: 1 };
      if (name === 'saslContinue') return { ...this.continue(body), ok: 1 };
      if (name === 'logout') {
        this.user = undefined;
        this.conversation = undefined;
        return { ok: 1 };
      }
      return undefined;
    } catch (err) {
      if (err instanceof CommandError) return err.toReply();
      throw err;
    }
  }

  /** The handshake's part: the mechanisms a user may use, and a speculative first step. */
  async completeHello(body: Doc, reply: Doc): Promise<Doc> {
    if (reply.ok !== 1) return reply;
    // Always SCRAM-SHA-256, whether the user exists or not: the answer tells nobody who does.
    if (typeof body.saslSupportedMechs === 'string') reply.saslSupportedMechs = [SCRAM_SHA_256];
    const speculative = body.speculativeAuthenticate as Doc | undefined;
    if (speculative && typeof speculative === 'object' && typeof speculative.db === 'string') {
      try {
        reply.speculativeAuthenticate = await this.start(speculative.db, speculative);
      } catch {
        // mongod leaves it out: the client then authenticates with saslStart and hears why.
      }
    }
    return reply;
  }

  private fail(user: string | undefined, reason: string): never {
    this.conversation = undefined;
    this.engine.logger.warn({ connection: this.connectionId, remote: this.remote, user, reason }, 'authentication failed');
    throw new CommandError(ErrorCode.AuthenticationFailed, FAILED);
  }

  private async start(db: string, body: Doc): Promise<Doc> {
    this.conversation = undefined;
    if (body.mechanism !== SCRAM_SHA_256) {
      throw new CommandError(ErrorCode.MechanismUnavailable, `Received authentication for mechanism ${String(body.mechanism)} which is unknown or not enabled`);
    }
    const message = text(body.payload);
    // gs2 header: no channel binding ("n") or a client that could but was not offered it ("y"); no authzid.
    const header = /^([ny]),,/.exec(message);
    if (!header) throw new CommandError(ErrorCode.BadValue, 'SCRAM: channel binding and authorization identities are not supported');
    const clientFirstBare = message.slice(header[0].length);
    const attrs = attributes(clientFirstBare);
    if (attrs[0]?.[0] !== 'n' || attrs[1]?.[0] !== 'r' || attrs.some(([key]) => key === 'm')) {
      throw new CommandError(ErrorCode.BadValue, 'SCRAM: the first message must be n=user,r=nonce');
    }
    const user = unescapeName(attrs[0][1]);
    const clientNonce = attrs[1][1];
    if (clientNonce.length === 0 || /[^\x21-\x2b\x2d-\x7e]/.test(clientNonce)) throw new CommandError(ErrorCode.BadValue, 'SCRAM: bad nonce');
    const keys = db === USERS_DB ? await findCredentials(this.engine, db, user) : undefined;
    if (!keys) this.fail(`${db}.${user}`, 'no such user');
    const nonce = clientNonce + crypto.randomBytes(24).toString('base64');
    const serverFirst = `r=${nonce},s=${keys.salt},i=${keys.iterationCount}`;
    const options = body.options as Doc | undefined;
    this.conversation = {
      id: 1,
      db,
      user,
      keys,
      gs2Header: header[0],
      clientFirstBare,
      serverFirst,
      nonce,
      skipEmptyExchange: options?.skipEmptyExchange === true,
      proved: false,
    };
    return { conversationId: 1, done: false, payload: binary(serverFirst) };
  }

  private continue(body: Doc): Doc {
    const conversation = this.conversation;
    if (!conversation || Number(body.conversationId) !== conversation.id) {
      throw new CommandError(ErrorCode.ProtocolError, 'No SASL session state found');
    }
    const who = `${conversation.db}.${conversation.user}`;
    if (conversation.proved) {
      // The client's empty last step, when it did not ask to skip it.
      this.conversation = undefined;
      return { conversationId: conversation.id, done: true, payload: binary('') };
    }
    const message = text(body.payload);
    const attrs = attributes(message);
    const channel = attrs[0];
    const nonce = attrs[1];
    const proof = attrs[attrs.length - 1];
    if (channel?.[0] !== 'c' || nonce?.[0] !== 'r' || proof?.[0] !== 'p') this.fail(who, 'malformed final message');
    if (Buffer.from(channel[1], 'base64').toString('utf8') !== conversation.gs2Header) this.fail(who, 'channel binding differs');
    if (nonce[1] !== conversation.nonce) this.fail(who, 'nonce differs');
    const withoutProof = message.slice(0, message.lastIndexOf(',p='));
    const authMessage = `${conversation.clientFirstBare},${conversation.serverFirst},${withoutProof}`;
    const storedKey = Buffer.from(conversation.keys.storedKey, 'base64');
    const clientProof = Buffer.from(proof[1], 'base64');
    if (clientProof.length !== storedKey.length) this.fail(who, 'wrong proof');
    const signature = hmac(storedKey, authMessage);
    const clientKey = Buffer.alloc(signature.length);
    for (let i = 0; i < signature.length; i++) clientKey[i] = clientProof[i]! ^ signature[i]!;
    if (!crypto.timingSafeEqual(sha256(clientKey), storedKey)) this.fail(who, 'wrong password');
    this.user = { db: conversation.db, name: conversation.user };
    this.engine.logger.info({ connection: this.connectionId, remote: this.remote, user: who }, 'authenticated');
    const serverSignature = hmac(Buffer.from(conversation.keys.serverKey, 'base64'), authMessage).toString('base64');
    if (conversation.skipEmptyExchange) this.conversation = undefined;
    else conversation.proved = true;
    return { conversationId: conversation.id, done: conversation.skipEmptyExchange, payload: binary(`v=${serverSignature}`) };
  }
}
