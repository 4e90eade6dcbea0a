import { z } from 'zod';

/**
 * Presence on a live document (the Yjs awareness protocol): who is there and where their
 * cursor is. The server writes `user` itself, from the session, into every state it relays:
 * a client may say where its cursor is, never who it is.
 */

/** Who a collaborator is, as their caret and the presence list show them. */
export interface PresenceUser {
  name: string;
  /** The short name of the organisation of their mandate (CFDT, AXESS…). */
  org: string;
  color: string;
}

// One colour per organisation, stable across sessions and pages.
const PALETTE = ['#1d4e89', '#b5179e', '#2a9d8f', '#e76f51', '#6a4c93', '#8a5a00', '#c1121f', '#457b9d', '#588157', '#bc6c25'];

export function organisationColor(org: string): string {
  let hash = 0;
  for (const char of org) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

export function presenceUser(name: string, org: string): PresenceUser {
  return { name, org, color: organisationColor(org) };
}

/** A presence state as a client sends it: an object (its cursor, its user, which the server replaces). */
export const PresenceStateSchema = z.record(z.string(), z.unknown());
