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
  /** Holds the secretariat: shown apart from the negotiators of their organisation. */
  secretariat?: boolean;
}

/**
 * Organisation colours. Each is dark enough for white text (≥ 4.5:1, the caret labels) and for
 * a mark on the page; the first eight are far apart in hue, so that a negotiation's parties
 * (eight at the BASS table) never share one. The secretariat has its own neutral colour: it
 * speaks for the committee, not for AXESS, even when AXESS provides it.
 */
export const ORGANISATION_PALETTE = [
  '#1d4e89', // blue
  '#b5179e', // magenta
  '#1f6f66', // teal
  '#b3401f', // burnt orange
  '#6a4c93', // purple
  '#2e6b30', // green
  '#7a5200', // ochre
  '#00607a', // petrol
  '#c1121f', // red
  '#8e2c5a', // plum
] as const;
export const SECRETARIAT_COLOR = '#4b5563';

/**
 * The colour of an organisation among a negotiation's parties (`parties`: their short names, in
 * any order): the n-th party by name has the n-th colour, so no two parties of one negotiation
 * share a colour up to ten of them, and every page and the server agree whatever order they
 * list the parties in. An organisation outside the list (or no list) falls back to a hash.
 */
export function organisationColor(org: string, parties: readonly string[] = []): string {
  const index = [...new Set(parties)].sort().indexOf(org);
  if (index >= 0) return ORGANISATION_PALETTE[index % ORGANISATION_PALETTE.length];
  let hash = 0;
  for (const char of org) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return ORGANISATION_PALETTE[hash % ORGANISATION_PALETTE.length];
}

/**
 * Who a collaborator is, coloured by their organisation's place among the parties, or in the
 * secretariat's colour when they hold the secretariat.
 */
export function presenceUser(name: string, org: string, options: { parties?: readonly string[]; secretariat?: boolean } = {}): PresenceUser {
  if (options.secretariat) return { name, org, color: SECRETARIAT_COLOR, secretariat: true };
  return { name, org, color: organisationColor(org, options.parties) };
}

/** A presence state as a client sends it: an object (its cursor, its user, which the server replaces). */
export const PresenceStateSchema = z.record(z.string(), z.unknown());
