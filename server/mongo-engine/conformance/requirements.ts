// runOnRequirements: what the server under test is, and whether a test may run on it.
import type { MongoClient } from 'mongodb';
import { bsonEquals } from './bson-values.ts';
import type { Doc, RunOnRequirement } from './types.ts';

export type Topology = 'single' | 'replicaset' | 'sharded' | 'load-balanced';

export interface ServerInfo {
  /** [major, minor, patch] from buildInfo.versionArray. */
  version: [number, number, number];
  topology: Topology;
  auth: boolean;
  serverless: boolean;
  /** Cached getParameter answers; undefined when the server does not know the parameter. */
  parameter(name: string): Promise<unknown>;
}

/** Parses "4.4", "4.4.1" or "4.9.0-alpha4-271-g7d5cf02" into [major, minor, patch]. */
export function parseVersion(text: string): [number, number, number] {
  const parts = text.split('.').map((part) => Number.parseInt(part, 10));
  const [major = 0, minor = 0, patch = 0] = parts.map((n) => (Number.isFinite(n) ? n : 0));
  return [major, minor, patch];
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const formatVersion = (v: readonly number[]): string => v.join('.');

/** Asks the server what it is, with the runner's internal client. */
export async function probeServer(client: MongoClient, options: { serverless: boolean }): Promise<ServerInfo> {
  const admin = client.db('admin');
  const buildInfo = await admin.command({ buildInfo: 1 });
  const versionArray = Array.isArray(buildInfo.versionArray) ? buildInfo.versionArray.map(Number) : undefined;
  const version: [number, number, number] = versionArray
    ? [versionArray[0] ?? 0, versionArray[1] ?? 0, versionArray[2] ?? 0]
    : parseVersion(String(buildInfo.version ?? '0'));
  const hello = await admin.command({ hello: 1 });
  const topology: Topology = client.options.loadBalanced
    ? 'load-balanced'
    : hello.msg === 'isdbgrid'
      ? 'sharded'
      : typeof hello.setName === 'string'
        ? 'replicaset'
        : 'single';
  const cache = new Map<string, Promise<unknown>>();
  return {
    version,
    topology,
    auth: client.options.credentials !== undefined,
    serverless: options.serverless,
    parameter(name) {
      let answer = cache.get(name);
      if (!answer) {
        answer = admin
          .command({ getParameter: 1, [name]: 1 })
          .then((reply) => (Object.hasOwn(reply, name) ? reply[name] : undefined))
          .catch(() => undefined);
        cache.set(name, answer);
      }
      return answer;
    },
  };
}

/** One unmet condition of a requirement. */
export interface Unmet {
  reason: string;
  /**
   * True when a standalone single-node server could never meet it (another topology, serverless,
   * a maximum version below the server's, a test-environment setting such as auth or CSFLE):
   * such tests are skipped. Anything else (a newer minimum version, a server parameter) is a
   * shortfall of the server and counts as a failure.
   */
  skippable: boolean;
}

export async function unmetConditions(requirement: RunOnRequirement, server: ServerInfo): Promise<Unmet[]> {
  const unmet: Unmet[] = [];
  const version = formatVersion(server.version);
  if (requirement.minServerVersion !== undefined) {
    if (compareVersions(server.version, parseVersion(requirement.minServerVersion)) < 0) {
      unmet.push({ reason: `needs server >= ${requirement.minServerVersion}, server is ${version}`, skippable: false });
    }
  }
  if (requirement.maxServerVersion !== undefined) {
    if (compareVersions(server.version, parseVersion(requirement.maxServerVersion)) > 0) {
      unmet.push({ reason: `needs server <= ${requirement.maxServerVersion}, server is ${version}`, skippable: true });
    }
  }
  if (requirement.topologies !== undefined) {
    const accepted = requirement.topologies.flatMap((t) => (t === 'sharded-replicaset' ? ['sharded'] : [t]));
    if (!accepted.includes(server.topology)) {
      unmet.push({
        reason: `needs topology ${requirement.topologies.join('|')}, server is ${server.topology}`,
        skippable: true,
      });
    }
  }
  if (requirement.serverless === 'require' && !server.serverless) {
    unmet.push({ reason: 'needs serverless', skippable: true });
  }
  if (requirement.serverless === 'forbid' && server.serverless) {
    unmet.push({ reason: 'forbids serverless', skippable: true });
  }
  if (requirement.auth !== undefined && requirement.auth !== server.auth) {
    unmet.push({ reason: requirement.auth ? 'needs authentication' : 'needs no authentication', skippable: true });
  }
  if (requirement.authMechanism !== undefined) {
    const mechanisms = await server.parameter('authenticationMechanisms');
    const wanted = requirement.authMechanism.toLowerCase();
    if (!Array.isArray(mechanisms) || !mechanisms.some((m) => String(m).toLowerCase() === wanted)) {
      unmet.push({ reason: `needs auth mechanism ${requirement.authMechanism}`, skippable: true });
    }
  }
  if (requirement.csfle !== undefined && requirement.csfle !== false) {
    // The runner's driver has no libmongocrypt (mongodb-client-encryption is not installed).
    unmet.push({ reason: 'needs client-side field level encryption (not available to this runner)', skippable: true });
  }
  for (const [name, expected] of Object.entries((requirement.serverParameters ?? {}) as Doc)) {
    const actual = await server.parameter(name);
    if (actual === undefined || !bsonEquals(expected, actual)) {
      unmet.push({ reason: `needs server parameter ${name}=${String(expected)}`, skippable: false });
    }
  }
  return unmet;
}

export type RequirementDecision = { run: true } | { run: false; skip: boolean; reason: string };

/**
 * A list of alternatives: run when one is met; otherwise skip when every alternative has a
 * condition a single node can never meet, else fail with the reasons.
 */
export async function decide(requirements: RunOnRequirement[] | undefined, server: ServerInfo): Promise<RequirementDecision> {
  if (!requirements || requirements.length === 0) return { run: true };
  const all: Unmet[][] = [];
  for (const requirement of requirements) {
    const unmet = await unmetConditions(requirement, server);
    if (unmet.length === 0) return { run: true };
    all.push(unmet);
  }
  const skip = all.every((unmet) => unmet.some((u) => u.skippable));
  const reasons = all.map((unmet) => (skip ? unmet.filter((u) => u.skippable) : unmet).map((u) => u.reason).join(', '));
  return { run: false, skip, reason: [...new Set(reasons)].join('; or ') };
}
