import type { RunningServer } from '../../server/main.ts';
import type { Ack } from '../../shared/errors.ts';
import { command, connect, type ClientSocket } from '../integration/realtime-client.ts';
import { login } from './auth.ts';

/** The demo's accounts, by the seat each holds at the table (server/seed/demo-content.ts). */
export const DEMO_ACCOUNTS = {
  secretariat: 'secretariat@axess.demo',
  axess: 'negociateur@axess.demo',
  cfdt: 'delegue@cfdt.demo',
  cgt: 'delegue@cgt.demo',
  fo: 'delegue@fo.demo',
  sud: 'delegue@sud.demo',
  cftc: 'delegue@cftc.demo',
  chair: 'president@cmp.demo',
} as const;
export type Seat = keyof typeof DEMO_ACCOUNTS;

export interface Participants<Who extends Seat> {
  readonly cookies: Record<Who, string>;
  readonly sockets: Record<Who, ClientSocket>;
  /** Signs each one in, in the order given, and connects their socket; commands are about `negotiationId`. */
  signIn(server: Pick<RunningServer, 'url'>, negotiationId: string): Promise<void>;
  /** A command by `who`, and its ack, refusals included. */
  send<T>(who: Who, event: string, payload: Record<string, unknown>): Promise<Ack<T>>;
  /** A command by `who` that must be accepted: its data, or an error naming who was refused and why. */
  ok<T>(who: Who, event: string, payload: Record<string, unknown>): Promise<T>;
  disconnect(): void;
}

/**
 * Demo people at one negotiation's table, each with a real sign-in and a live socket. Made
 * with the describe block and signed in by its beforeAll, so that the block can take
 * `cookies`, `sockets`, `send` and `ok` apart up front and use them in every test.
 */
export function participants<Who extends Seat>(seats: readonly Who[]): Participants<Who> {
  const cookies = {} as Record<Who, string>;
  const sockets = {} as Record<Who, ClientSocket>;
  let negotiationId = '';
  const send = <T>(who: Who, event: string, payload: Record<string, unknown>) => command<T>(sockets[who], event, { negotiationId, ...payload });
  return {
    cookies,
    sockets,
    async signIn(server, id) {
      negotiationId = id;
      for (const who of seats) {
        cookies[who] = await login(server, DEMO_ACCOUNTS[who]);
        sockets[who] = await connect(server, cookies[who]);
      }
    },
    send,
    async ok<T>(who: Who, event: string, payload: Record<string, unknown>): Promise<T> {
      const ack = await send<T>(who, event, payload);
      if (!ack.ok) throw new Error(`${event} by ${who}: ${ack.error.code} ${ack.error.message}`);
      return ack.data;
    },
    disconnect() {
      for (const socket of Object.values<ClientSocket>(sockets)) socket.close();
    },
  };
}
