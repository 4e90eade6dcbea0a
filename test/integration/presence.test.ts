import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ORGANISATION_PALETTE, SECRETARIAT_COLOR, organisationColor } from '../../shared/presence.ts';
import { DEMO_ORGANISATIONS } from '../../server/seed/demo-content.ts';
import { PRESENCE_BURST } from '../../server/collab/presence.ts';
import { login } from '../helpers/auth.ts';
import { DEMO_ACCOUNTS } from '../helpers/participants.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectClient, synced, waitFor, type TestClient } from './yjs-helpers.ts';

// Presence (the Yjs awareness protocol) on the real server: a stock provider for the
// pen-holder and for an observer, and a raw WebSocket for a delegate who writes awareness
// messages by hand, as anyone can.

const AWARENESS = 1;
/** The demo negotiations' parties: the server colours each organisation by its place among them. */
const PARTIES = DEMO_ORGANISATIONS.map((o) => o.shortName);

interface PresenceState {
  user?: { name?: string; org?: string; color?: string; secretariat?: boolean };
  cursor?: unknown;
  note?: string;
}

/** A raw connection to a document that sends awareness entries of its choosing. */
class RawAwareness {
  readonly ws: WebSocket;

  constructor(url: string, docName: string, cookie: string) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/yjs/${docName}`, { headers: { cookie } });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  send(entries: { id: number; clock: number; state: unknown }[]): void {
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, entries.length);
    for (const { id, clock, state } of entries) {
      encoding.writeVarUint(update, id);
      encoding.writeVarUint(update, clock);
      encoding.writeVarString(update, JSON.stringify(state));
    }
    const message = encoding.createEncoder();
    encoding.writeVarUint(message, AWARENESS);
    encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
    this.ws.send(encoding.toUint8Array(message));
  }

  close(): void {
    this.ws.terminate();
  }
}

describe('presence on a live document', () => {
  let server: TestServer;
  let ids: DemoIds;
  let docName: string;
  const cookies: Record<string, string> = {};
  const clients: TestClient[] = [];
  const raws: RawAwareness[] = [];

  function provider(who: keyof typeof DEMO_ACCOUNTS, user: PresenceState['user']): TestClient {
    const client = connectClient(server.url, docName, cookies[who]);
    client.provider.awareness.setLocalStateField('user', user);
    clients.push(client);
    return client;
  }

  async function raw(who: keyof typeof DEMO_ACCOUNTS): Promise<RawAwareness> {
    const connection = new RawAwareness(server.url, docName, cookies[who]);
    raws.push(connection);
    await connection.opened();
    return connection;
  }

  const stateOf = (observer: TestClient, id: number) => observer.provider.awareness.getStates().get(id) as PresenceState | undefined;

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    for (const who of ['axess', 'cfdt', 'cgt', 'cftc', 'fo', 'secretariat'] as const) cookies[who] = await login(server, DEMO_ACCOUNTS[who]);
    docName = `article:${ids.articles.tempsDeTravail[0]}`;
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
    for (const connection of raws.splice(0)) connection.close();
  });
  afterAll(() => server?.close());

  it('a read-only delegate who sends states under the pen-holder’s client id is not heard: the others keep seeing the pen-holder', async () => {
    const pen = provider('axess', { name: 'Claire Marchand', org: 'AXESS', color: organisationColor('AXESS') });
    const observer = provider('cgt', { name: 'Thomas Lefèvre', org: 'CGT', color: organisationColor('CGT') });
    await Promise.all([synced(pen), synced(observer)]);
    const penId = pen.provider.awareness.clientID;
    await waitFor(() => stateOf(observer, penId)?.user?.name === 'Claire Marchand', 5000, 'the pen-holder’s presence');

    const spoofer = await raw('cfdt');
    const clock = observer.provider.awareness.meta.get(penId)!.clock;
    spoofer.send([{ id: penId, clock: clock + 10, state: { user: { name: 'SPOOFED', org: 'CFDT' }, note: 'spoofed' } }]);
    spoofer.send([{ id: penId, clock: clock + 20, state: null }]);
    // Then a state of the delegate's own: once it arrives, the attempts before it were handled.
    spoofer.send([{ id: 4242, clock: 1, state: { note: 'own' } }]);
    await waitFor(() => stateOf(observer, 4242)?.note === 'own', 5000, 'the delegate’s own presence');

    expect(stateOf(observer, penId)?.user).toEqual({ name: 'Claire Marchand', org: 'AXESS', color: organisationColor('AXESS', PARTIES) });
    expect(stateOf(observer, penId)?.note).toBeUndefined();
    expect(stateOf(pen, 4242)?.user?.name).toBe('Nadia Benali');
  });

  it('the name and organisation the others see are the session’s, whatever the client claims', async () => {
    const observer = provider('cgt', { name: 'Thomas Lefèvre', org: 'CGT', color: organisationColor('CGT') });
    const impostor = provider('cfdt', { name: 'Claire Marchand', org: 'AXESS', color: '#000000' });
    await Promise.all([synced(observer), synced(impostor)]);
    const id = impostor.provider.awareness.clientID;
    await waitFor(() => stateOf(observer, id) !== undefined, 5000, 'the delegate’s presence');
    expect(stateOf(observer, id)?.user).toEqual({ name: 'Nadia Benali', org: 'CFDT', color: organisationColor('CFDT', PARTIES) });
  });

  it('every organisation at the table has a colour of its own, and the secretariat one apart from its organisation’s negotiators', async () => {
    const observer = provider('cgt', { name: 'Thomas Lefèvre', org: 'CGT' });
    const others = (['axess', 'cfdt', 'cftc', 'fo', 'secretariat'] as const).map((who) => provider(who, { name: who }));
    await Promise.all([observer, ...others].map((c) => synced(c)));
    const ids = others.map((c) => c.provider.awareness.clientID);
    await waitFor(() => ids.every((id) => stateOf(observer, id)?.user?.org), 5000, 'everyone’s presence');
    const seen = Object.fromEntries(ids.map((id) => [stateOf(observer, id)!.user!.name!, stateOf(observer, id)!.user!]));
    // AXESS and CFTC, CFDT and FO shared a colour when it was a hash of the name.
    expect(new Set(['Claire Marchand', 'Sophie Garnier', 'Nadia Benali', 'Isabelle Moreau'].map((name) => seen[name].color)).size).toBe(4);
    expect(seen['Julien Roussel']).toMatchObject({ org: 'AXESS', color: SECRETARIAT_COLOR, secretariat: true });
    expect(seen['Claire Marchand'].color).not.toBe(SECRETARIAT_COLOR);
    expect(ORGANISATION_PALETTE).not.toContain(SECRETARIAT_COLOR);
  });

  it('presence states of 6 MB are dropped and never relayed; the sender’s next small state is', async () => {
    const observer = provider('cgt', { name: 'Thomas Lefèvre', org: 'CGT', color: organisationColor('CGT') });
    await synced(observer);
    let largest = 0;
    observer.provider.ws!.addEventListener('message', (event: { data: unknown }) => {
      largest = Math.max(largest, (event.data as ArrayBuffer).byteLength);
    });
    const flooder = await raw('cfdt');
    const huge = 'x'.repeat(6 * 1024 * 1024);
    for (let clock = 1; clock <= 5; clock++) flooder.send([{ id: 777, clock, state: { note: huge } }]);
    flooder.send([{ id: 777, clock: 6, state: { note: 'small' } }]);
    await waitFor(() => stateOf(observer, 777)?.note === 'small', 10_000, 'the small state');
    expect(largest).toBeLessThan(64 * 1024);
  });

  it('a burst of presence changes is relayed at a bounded rate, and the latest always arrives', async () => {
    const observer = provider('cgt', { name: 'Thomas Lefèvre', org: 'CGT', color: organisationColor('CGT') });
    await synced(observer);
    let changes = 0;
    observer.provider.awareness.on('change', ({ added, updated }: { added: number[]; updated: number[] }) => {
      if (added.includes(888) || updated.includes(888)) changes++;
    });
    const mover = await raw('cfdt');
    for (let clock = 1; clock <= 200; clock++) mover.send([{ id: 888, clock, state: { cursor: clock } }]);
    await waitFor(() => stateOf(observer, 888)?.cursor === 200, 10_000, 'the latest state');
    expect(changes).toBeLessThanOrEqual(PRESENCE_BURST + 20);
  });

  it('while the pen-holder is away for a moment her client id stays hers; back, she is seen under her own name', async () => {
    const pen = provider('axess', { name: 'Claire Marchand', org: 'AXESS', color: organisationColor('AXESS') });
    const observer = provider('cgt', { name: 'Thomas Lefèvre', org: 'CGT', color: organisationColor('CGT') });
    await Promise.all([synced(pen), synced(observer)]);
    const penId = pen.provider.awareness.clientID;
    await waitFor(() => stateOf(observer, penId) !== undefined, 5000, 'the pen-holder’s presence');
    const seenAs = new Set<string>();
    observer.provider.awareness.on('change', () => {
      const name = stateOf(observer, penId)?.user?.name;
      if (name) seenAs.add(name);
    });

    pen.provider.disconnect();
    await waitFor(() => stateOf(observer, penId) === undefined, 5000, 'her departure');
    const taker = await raw('cfdt');
    taker.send([{ id: penId, clock: 1_000, state: { note: 'taken' } }]);
    taker.send([{ id: 4343, clock: 1, state: { note: 'own' } }]);
    await waitFor(() => stateOf(observer, 4343)?.note === 'own', 5000, 'the delegate’s own presence');
    expect(stateOf(observer, penId)).toBeUndefined();

    pen.provider.connect();
    await synced(pen);
    pen.provider.awareness.setLocalStateField('cursor', { here: true });
    await waitFor(() => stateOf(observer, penId)?.user?.name === 'Claire Marchand', 5000, 'her presence again');
    expect([...seenAs]).toEqual(['Claire Marchand']);
  });
});
