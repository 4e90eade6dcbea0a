import { Collection } from 'mongodb';
import { describe, expect, it, vi } from 'vitest';
import type { VoteView } from '../../shared/votes/vote.ts';
import { useDemoTable } from '../helpers/demo-table.ts';
import { command, connect } from './realtime-client.ts';
import { CLAIM_MS, CommandReplies } from '../../server/access/command-replies.ts';

describe('command ids', () => {
  const demo = useDemoTable(['secretariat', 'cfdt'] as const, { negotiation: 'cppni' });
  const { send, ok } = demo;

  const opened = async () => (await demo.server.app.context.events.since(demo.negotiationId, 0)).filter((e) => e.type === 'vote:opened').length;

  const vote = (title: string) => ({ item: { kind: 'text' }, rule: 'double-majority', title });

  it('a command sent again with the same id is applied once and answered with the first reply', async () => {
    const before = await opened();
    const first = await ok<VoteView>('secretariat', 'vote:open', { ...vote('Vote retenté'), commandId: 'retry-0001' });
    const again = await ok<VoteView>('secretariat', 'vote:open', { ...vote('Vote retenté'), commandId: 'retry-0001' });
    expect(again.id).toBe(first.id);
    expect(await opened()).toBe(before + 1);
  });

  it('the same id sent twice at once runs the command once', async () => {
    const before = await opened();
    const [a, b] = await Promise.all([
      ok<VoteView>('secretariat', 'vote:open', { ...vote('Vote doublé'), commandId: 'twice-0001' }),
      ok<VoteView>('secretariat', 'vote:open', { ...vote('Vote doublé'), commandId: 'twice-0001' }),
    ]);
    expect(b.id).toBe(a.id);
    expect(await opened()).toBe(before + 1);
  });

  it('a retry on a new connection of the same person is still applied once', async () => {
    const before = await opened();
    const first = await ok<VoteView>('secretariat', 'vote:open', { ...vote('Vote reconnecté'), commandId: 'reconnect-01' });
    const socket = await connect(demo.server, demo.cookies.secretariat);
    try {
      const again = await command<VoteView>(socket, 'vote:open', { negotiationId: demo.negotiationId, ...vote('Vote reconnecté'), commandId: 'reconnect-01' });
      expect(again.ok && again.data.id).toBe(first.id);
    } finally {
      socket.close();
    }
    expect(await opened()).toBe(before + 1);
  });

  it('commands with different ids, or none, are each applied', async () => {
    const before = await opened();
    await ok('secretariat', 'vote:open', { ...vote('Premier'), commandId: 'distinct-01' });
    await ok('secretariat', 'vote:open', { ...vote('Second'), commandId: 'distinct-02' });
    await ok('secretariat', 'vote:open', vote('Sans identifiant'));
    await ok('secretariat', 'vote:open', vote('Sans identifiant'));
    expect(await opened()).toBe(before + 4);
  });

  it('another person reusing an id gets their own command applied', async () => {
    const mine = await ok<VoteView>('secretariat', 'vote:open', { ...vote('À moi'), commandId: 'shared-0001' });
    const ack = await send<VoteView>('cfdt', 'vote:open', { ...vote('À la CFDT'), commandId: 'shared-0001' });
    // The CFDT may not open a vote: its refusal is its own, not the secretariat's reply.
    expect(ack.ok ? ack.data.id : ack.error.code).not.toBe(mine.id);
  });

  it('with the embedded engine in the process, the claim and the reply are written to it directly, not through the driver', async () => {
    const through = (method: 'insertOne' | 'updateOne') => vi.spyOn(Collection.prototype, method);
    const spies = [through('insertOne'), through('updateOne')];
    try {
      const first = await ok<VoteView>('secretariat', 'vote:open', { ...vote('Vote en direct'), commandId: 'direct-0001' });
      const driverWrites = spies.flatMap((spy) => spy.mock.contexts).filter((c) => (c as Collection).collectionName === 'command_replies');
      expect(driverWrites).toHaveLength(0);
      // Kept all the same: the reply as the client received it, and a retry answered with it.
      const kept = await demo.server.app.context.db.connection.db!.collection<{ _id: string; state: string; reply: string }>('command_replies').findOne({ _id: { $regex: /direct-0001$/ } });
      expect(kept).toMatchObject({ state: 'done' });
      expect(JSON.parse(kept!.reply).id).toBe(first.id);
      const again = await ok<VoteView>('secretariat', 'vote:open', { ...vote('Vote en direct'), commandId: 'direct-0001' });
      expect(again.id).toBe(first.id);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('with the embedded engine in the process, a command’s claim and reply go to disk with its events’ group commit or the next one, not groups of their own', async () => {
    const engine = demo.server.app.context.db.command!;
    const journal = async () => (await engine({ serverStatus: 1 })).reply.journal as { records: number; fsyncs: number; intervalCommits: number };
    const declare = (n: number) => ok('cfdt', 'position:declare', { stance: 'réservé', statement: `Déclaration ${n}`, item: { kind: 'text' }, commandId: `groups-${String(n).padStart(4, '0')}` });
    await declare(0);
    const before = await journal();
    const commands = 20;
    for (let n = 1; n <= commands; n++) await declare(n);
    const after = await journal();
    // Each command writes its claim, its event and its reply; one after the other, each but its
    // events' asks for no fdatasync (the previous reply and its claim go with its events). The
    // server's own writes meanwhile (a mail checkpoint…) may take a group each, and on a slow
    // machine a reply may wait the commit interval (100 ms) and go to disk in a group of its own:
    // the journal counts those (a clean-clone CI run under load had one more group than allowed).
    const others = after.records - before.records - 3 * commands;
    expect(others).toBeGreaterThanOrEqual(0);
    expect(after.fsyncs - before.fsyncs).toBeLessThanOrEqual(commands + 1 + others + (after.intervalCommits - before.intervalCommits));
    // The last reply is kept all the same, on disk within the commit interval, and answers a retry.
    const declared = async () => (await demo.server.app.context.events.since(demo.negotiationId, 0)).filter((e) => e.type === 'position:declared').length;
    const recorded = await declared();
    const again = await ok<{ statement: string }>('cfdt', 'position:declare', { stance: 'réservé', statement: 'Déclaration 20', item: { kind: 'text' }, commandId: 'groups-0020' });
    expect(again.statement).toBe('Déclaration 20');
    expect(await declared()).toBe(recorded);
  });

  it('the claim of a command still running is renewed in the engine of the process, not through the driver', async () => {
    const { connection, command: inProcess } = demo.server.app.context.db;
    const replies = new CommandReplies(connection, { command: inProcess });
    const updates = vi.spyOn(Collection.prototype, 'updateOne');
    try {
      const started = Date.now();
      const slow = replies.once('renewals', 'vote:open', 'slow-0001', () => new Promise((r) => setTimeout(() => r('fait'), 2_500)));
      await new Promise((r) => setTimeout(r, 2_200));
      const claim = await connection.db!.collection<{ _id: string; until: number }>('command_replies').findOne({ _id: 'renewals\u0000vote:open\u0000slow-0001' });
      // Renewed (a second after the start at least): its end moved on.
      expect(claim!.until).toBeGreaterThan(started + CLAIM_MS + 900);
      expect(await slow).toBe('fait');
      expect(updates.mock.contexts.filter((c) => (c as Collection).collectionName === 'command_replies')).toHaveLength(0);
    } finally {
      updates.mockRestore();
    }
  });

  it('a malformed command id is refused with BAD_REQUEST and applies nothing', async () => {
    const before = await opened();
    const ack = await send('secretariat', 'vote:open', { ...vote('Mal identifié'), commandId: 'x' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await opened()).toBe(before);
  });
});
