import type { Connection } from 'mongoose';
import { MINUTES_TEXT, minutesDocName, parseMinutesDocName } from '../../shared/sessions/session.ts';
import { can, type Actor } from '../access/access.service.ts';
import type { DocStore } from '../collab/doc-store.ts';
import { CloseCode } from '../../shared/collab/close-codes.ts';
import { Origin } from '../collab/shared-doc.ts';
import { loadSession, negotiationOfSession } from './session.store.ts';

/**
 * The minutes' draft lives in the Yjs document `minutes:<sessionId>` (one Y.Text), served
 * by the collab endpoint: the secretariat writes, every other member reads. Once approved,
 * the text is frozen in the `minutes:approved` event and the document is read-only for all.
 */

/** The negotiation a `minutes:<sessionId>` document belongs to; null for another kind of document. */
export async function negotiationOfMinutesDoc(connection: Connection, docName: string): Promise<string | null> {
  const sessionId = parseMinutesDocName(docName);
  return sessionId ? negotiationOfSession(connection, sessionId) : null;
}

/** Whether the actor may write the minutes document: the secretariat, until approval. */
export async function canWriteMinutes(connection: Connection, actor: Actor, docName: string): Promise<boolean> {
  const sessionId = parseMinutesDocName(docName);
  if (!sessionId || !can(actor, 'session:manage')) return false;
  const session = await loadSession(connection, actor.negotiationId, sessionId).catch(() => null);
  return !!session && session.status === 'closed' && session.minutes.status !== 'approved';
}

/** Replaces the draft's text (a new draft from the log). */
export function writeMinutesText(store: DocStore, sessionId: string, text: string): Promise<void> {
  return store.withDoc(minutesDocName(sessionId), (doc) => {
    const ytext = doc.getText(MINUTES_TEXT);
    doc.transact(() => {
      ytext.delete(0, ytext.length);
      ytext.insert(0, text);
    }, Origin.SERVER);
  });
}

/**
 * Rewrites the draft through `change`, touching only the span that differs, so that the
 * secretariat's edits elsewhere in the text (and their cursors) are kept.
 */
export function rewriteMinutesText(store: DocStore, sessionId: string, change: (text: string) => string): Promise<void> {
  return store.withDoc(minutesDocName(sessionId), (doc) => {
    const ytext = doc.getText(MINUTES_TEXT);
    const before = ytext.toString();
    if (before.length === 0) return;
    const after = change(before);
    if (after === before) return;
    let start = 0;
    while (start < before.length && start < after.length && before[start] === after[start]) start++;
    let end = 0;
    while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
    doc.transact(() => {
      ytext.delete(start, before.length - start - end);
      ytext.insert(start, after.slice(start, after.length - end));
    }, Origin.SERVER);
  });
}

/** The draft's current text; an empty document is filled with the last recorded draft first. */
export function readMinutesText(store: DocStore, sessionId: string, fallback: string | null): Promise<string> {
  return store.withDoc(minutesDocName(sessionId), (doc) => {
    const ytext = doc.getText(MINUTES_TEXT);
    if (ytext.length === 0 && fallback) doc.transact(() => ytext.insert(0, fallback), Origin.SERVER);
    return ytext.toString();
  });
}

/**
 * Once approved, the connections open on the draft are closed: they reconnect and are then
 * authorised read-only (canWriteMinutes), so no edit lands in the document after approval.
 * The record itself is the text frozen in the `minutes:approved` event.
 */
export function closeMinutesConnections(store: DocStore, sessionId: string): Promise<void> {
  return store.withDoc(minutesDocName(sessionId), (doc) => {
    for (const peer of [...doc.peers]) {
      // The collab endpoint's peers are its connections, which can be closed.
      (peer as { close?: (code: number, reason: string) => void }).close?.(CloseCode.RIGHTS_CHANGED, 'minutes approved');
    }
  });
}
