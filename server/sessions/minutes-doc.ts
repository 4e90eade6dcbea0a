import type { Connection } from 'mongoose';
import * as Y from 'yjs';
import { attendanceInsertAt, attendanceNodes, attendanceSection, minutesDocFromMarkup } from '../../shared/sessions/minutes-doc.ts';
import { MinutesBlockSchema, MinutesDocSchema, type MinutesBlockNode, type MinutesDoc } from '../../shared/sessions/minutes-schema.ts';
import { MINUTES_FRAGMENT, MINUTES_TEXT, minutesDocName, parseMinutesDocName, type AttendanceLine } from '../../shared/sessions/session.ts';
import { AppError } from '../common/app-error.ts';
import { can, type Actor } from '../access/access.service.ts';
import type { DocStore } from '../collab/doc-store.ts';
import { CloseCode } from '../../shared/collab/close-codes.ts';
import { Origin } from '../collab/shared-doc.ts';
import { loadSession, negotiationOfSession } from './session.store.ts';

/**
 * The minutes' draft lives in the Yjs document `minutes:<sessionId>`, as the rich text of the
 * editor (an XmlFragment in y-prosemirror's shape), served by the collab endpoint: the
 * secretariat writes, every other member reads. Once approved, the text is frozen in the
 * `minutes:approved` event and the document is read-only for all.
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

// --- The fragment as y-prosemirror keeps it -----------------------------------------------------
// An element per node (its name the node's type, its attributes the node's attrs), an XmlText per
// run of inline content whose formatting attributes are the marks (`bold: {}`), as Tiptap's
// Collaboration extension writes them; the server reads and writes the same shape.

type Node = { type: string; attrs?: Record<string, unknown>; content?: Node[]; text?: string; marks?: { type: string }[] };

function toYNode(node: Node): Y.XmlElement {
  const element = new Y.XmlElement(node.type);
  for (const [key, value] of Object.entries(node.attrs ?? {})) if (value !== null && value !== undefined) element.setAttribute(key, value as string);
  const children = node.content ?? [];
  if (children.length > 0 && (children[0].type === 'text' || children[0].type === 'hardBreak')) {
    const text = new Y.XmlText();
    // Each run states all its marks (an empty set included), so none is inherited from the run before.
    text.applyDelta(children.filter((n) => n.type === 'text').map((n) => ({ insert: n.text ?? '', attributes: Object.fromEntries((n.marks ?? []).map((m) => [m.type, {}])) })));
    element.insert(0, [text]);
  } else if (children.length > 0) element.insert(0, children.map(toYNode));
  return element;
}

function insertNodes(fragment: Y.XmlFragment, index: number, nodes: readonly MinutesBlockNode[]): void {
  fragment.insert(index, nodes.map((n) => toYNode(n as Node)));
}

/** A Yjs node as ProseMirror JSON (an XmlText is its runs, one text node per run). */
function readNode(child: Y.XmlElement | Y.XmlText): Node[] {
  if (child instanceof Y.XmlText) {
    return (child.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[])
      .filter((d) => typeof d.insert === 'string' && d.insert.length > 0)
      .map((d) => {
        const marks = Object.keys(d.attributes ?? {}).map((type) => ({ type }));
        return { type: 'text', text: d.insert as string, ...(marks.length > 0 ? { marks } : {}) };
      });
  }
  const attrs = child.getAttributes() as Record<string, unknown>;
  const content = child.toArray().flatMap((c) => readNode(c as Y.XmlElement | Y.XmlText));
  return [{ type: child.nodeName, ...(Object.keys(attrs).length > 0 ? { attrs } : {}), ...(content.length > 0 ? { content } : {}) }];
}

/**
 * The fragment as ProseMirror JSON, checked against the minutes' schema (what may be frozen and
 * laid out). Strict (approval), a block the schema does not admit is refused with its place;
 * otherwise (reading, exporting a draft) it is left out, so a stray node never breaks the page.
 */
export function fragmentToMinutesDoc(fragment: Y.XmlFragment, strict = false): MinutesDoc {
  const json = { type: 'doc', content: fragment.toArray().flatMap((c) => readNode(c as Y.XmlElement | Y.XmlText)) };
  const parsed = MinutesDocSchema.safeParse(json);
  if (!parsed.success && !strict) {
    const admitted = json.content.flatMap((node) => {
      const one = MinutesBlockSchema.safeParse(node);
      return one.success ? [one.data] : [];
    });
    return { type: 'doc', content: admitted };
  }
  if (!parsed.success) throw new AppError('BAD_REQUEST', `Le relevé de décisions contient une mise en forme qu’il n’admet pas (${parsed.error.issues[0]?.path.join('.') ?? 'document'}).`);
  return parsed.data;
}

/** Replaces the draft with `doc` (a new draft from the log). */
export function writeMinutesDoc(store: DocStore, sessionId: string, doc: MinutesDoc): Promise<void> {
  return store.withDoc(minutesDocName(sessionId), (ydoc) => {
    const fragment = ydoc.getXmlFragment(MINUTES_FRAGMENT);
    ydoc.transact(() => {
      fragment.delete(0, fragment.length);
      insertNodes(fragment, 0, doc.content);
    }, Origin.SERVER);
  });
}

/**
 * Rewrites the recorded part of the draft's attendance section (heading, table, observers line)
 * from the stored attendance, touching nothing else: the secretariat's edits elsewhere in the
 * text, and what it wrote in the section itself, are kept with their cursors.
 */
export function rewriteMinutesAttendance(store: DocStore, sessionId: string, lines: readonly AttendanceLine[], observers: readonly string[]): Promise<void> {
  return store.withDoc(minutesDocName(sessionId), (ydoc) => {
    const fragment = ydoc.getXmlFragment(MINUTES_FRAGMENT);
    if (fragment.length === 0) return;
    // One node per top-level child, so that indexes in `top` are indexes in the fragment.
    const top = fragment.toArray().map((child) => {
      const node = readNode(child as Y.XmlElement | Y.XmlText)[0] ?? { type: 'text' };
      return node.attrs && 'level' in node.attrs ? { ...node, attrs: { ...node.attrs, level: Number(node.attrs.level) } } : node;
    }) as MinutesBlockNode[];
    const found = attendanceSection(top);
    const section = attendanceNodes(lines, observers);
    ydoc.transact(() => {
      if (found) {
        for (const index of [...found.recorded].reverse()) fragment.delete(index, 1);
        insertNodes(fragment, found.span[0], section);
      } else {
        insertNodes(fragment, attendanceInsertAt(top), section);
      }
    }, Origin.SERVER);
  });
}

/**
 * The draft as it stands. An empty document is filled first: from a draft written before the
 * minutes were rich text (its markup, in the document's Y.Text), else from the last recorded draft.
 */
export function readMinutesDoc(store: DocStore, sessionId: string, fallback: string | null, strict = false): Promise<MinutesDoc> {
  return store.withDoc(minutesDocName(sessionId), (ydoc) => {
    const fragment = ydoc.getXmlFragment(MINUTES_FRAGMENT);
    if (fragment.length === 0) {
      const legacy = ydoc.getText(MINUTES_TEXT).toString();
      const markup = legacy || fallback;
      if (markup) ydoc.transact(() => insertNodes(fragment, 0, minutesDocFromMarkup(markup).content), Origin.SERVER);
    }
    return fragmentToMinutesDoc(fragment, strict);
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
