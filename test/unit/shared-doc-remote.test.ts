import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import type { DocPeer } from '../../server/collab/presence.ts';
import { MessageType, SharedDoc } from '../../server/collab/shared-doc.ts';

/** What a peer is sent for an update: the sync message that carries it. */
function syncMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

describe('updates from the other processes', () => {
  it('reach this process’s peers as they came, without Yjs encoding the transaction again, and not at all when they change nothing', () => {
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (update: Uint8Array) => updates.push(update));
    source.getText('t').insert(0, 'accepté ailleurs');
    source.getText('t').insert(0, 'puis ceci, ');
    const doc = new SharedDoc('article:remote', false);
    const sent: Uint8Array[] = [];
    doc.peers.add({ send: (message: Uint8Array) => sent.push(message) } as unknown as DocPeer);
    doc.applyRemote(updates);
    expect(doc.getText('t').toString()).toBe('puis ceci, accepté ailleurs');
    expect(sent).toEqual(updates.map(syncMessage));
    // The same updates again (a stream read after the live channel): nothing is sent.
    doc.applyRemote(updates);
    expect(sent).toHaveLength(2);
  });
});
