// Handshake and server-information commands: what drivers, mongosh and Compass ask first.
import os from 'node:os';
import { Long } from '../bson/codec.ts';
import type { Doc } from '../bson/codec.ts';
import type { CommandContext, CommandHandler } from './context.ts';

export const SERVER_VERSION = '8.0.4';
export const MAX_WIRE_VERSION = 25;
const MAX_BSON = 16 * 1024 * 1024;

export const hello: CommandHandler = (ctx: CommandContext) => {
  const legacy = 'isMaster' in ctx.body || 'ismaster' in ctx.body;
  const reply: Doc = {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    maxBsonObjectSize: MAX_BSON,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
  // No topologyVersion: without it drivers poll hello instead of the streaming (exhaust)
  // protocol, which a standalone embedded server gains nothing from.
  return reply;
};

export const ping: CommandHandler = () => ({ ok: 1 });

export const buildInfo: CommandHandler = () => ({
  version: SERVER_VERSION,
  gitVersion: '0000000000000000000000000000000000000000',
  versionArray: SERVER_VERSION.split('.').map(Number).concat(0),
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON,
  storageEngines: ['journal'],
  javascriptEngine: 'none',
  modules: [],
  openssl: { running: 'disabled' },
  buildEnvironment: { target_os: os.platform() },
  ok: 1,
});

export const hostInfo: CommandHandler = () => ({
  system: { currentTime: new Date(), hostname: os.hostname(), cpuAddrSize: 64, memSizeMB: Math.round(os.totalmem() / 1048576), numCores: os.cpus().length, cpuArch: os.arch() },
  os: { type: os.type(), name: os.platform(), version: os.release() },
  extra: {},
  ok: 1,
});

const PARAMETERS: Doc = {
  featureCompatibilityVersion: { version: '8.0' },
  authenticationMechanisms: [],
  maxBSONDepth: 100,
  quiet: false,
  logLevel: 0,
};

export const getParameter: CommandHandler = (ctx) => {
  const wanted = ctx.body.getParameter;
  if (wanted === '*' || (typeof wanted === 'object' && wanted !== null && (wanted as Doc).allParameters)) return { ...PARAMETERS, ok: 1 };
  const out: Doc = {};
  for (const key of Object.keys(ctx.body)) if (key in PARAMETERS) out[key] = PARAMETERS[key];
  if (Object.keys(out).length === 0) return { ok: 0, errmsg: 'no option found to get', code: 72, codeName: 'InvalidOptions' };
  return { ...out, ok: 1 };
};

export const serverStatus: CommandHandler = (ctx) => ({
  host: `${os.hostname()}:${ctx.engine.port}`,
  version: SERVER_VERSION,
  process: 'negociation-engine',
  pid: Long.fromNumber(process.pid),
  uptime: Math.floor((Date.now() - ctx.engine.startedAt.getTime()) / 1000),
  uptimeMillis: Long.fromNumber(Date.now() - ctx.engine.startedAt.getTime()),
  localTime: new Date(),
  connections: { current: 0, available: 1000 },
  metrics: { cursor: { open: { total: ctx.engine.cursors.size } } },
  journal: { records: ctx.engine.store.journal.lastSeq, fsyncs: ctx.engine.store.journal.flushes, intervalCommits: ctx.engine.store.journal.intervalCommits },
  ok: 1,
});

export const whatsmyuri: CommandHandler = () => ({ you: '127.0.0.1:0', ok: 1 });
export const getCmdLineOpts: CommandHandler = () => ({ argv: ['negociation-engine'], parsed: {}, ok: 1 });
export const connectionStatus: CommandHandler = () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 });
export const getLog: CommandHandler = (ctx) => (ctx.body.getLog === '*' ? { names: ['global', 'startupWarnings'], ok: 1 } : { totalLinesWritten: 0, log: [], ok: 1 });
export const noop: CommandHandler = () => ({ ok: 1 });
export const listCommands: CommandHandler = () => ({ commands: {}, ok: 1 });
