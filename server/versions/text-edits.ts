import type { WrittenRun } from '../../shared/versions/authorship.ts';
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import type * as Y from 'yjs';
import { DOC_PREFIX } from '../../shared/structure.ts';
import type { Logger } from '../logger.ts';
import { insertInSlices, type InProcessCommand } from '../db/connection.ts';
import { authorLabel, type AuthorshipRecords, type ChangeAuthor } from './authorship.ts';

/**
 * Who wrote and who deleted what in the articles' texts. Yjs names the client that created
 * each piece of text but keeps no person, no date, and nothing of who deleted what; so every
 * change an editor makes through a connection is recorded here: the item ids it inserted and
 * deleted (runs of client, clock, length), in the name of that person and organisation, within
 * a window of a few seconds. A comparison's tracked changes (w:ins, w:del) take their author
 * and date from it. The server's own changes (seeding, merges, renumbering) are not recorded:
 * the exports fall back on the version's author for them.
 */

const editSchema = new Schema(
  {
    docName: { type: String, required: true },
    author: {
      userId: { type: String, required: true },
      name: { type: String, required: true },
      org: { type: String, default: null },
    },
    /** The window the changes were made in. */
    from: { type: Date, required: true },
    to: { type: Date, required: true },
    /** Runs of inserted items, flattened: client, clock, length, client, clock, length… */
    inserted: { type: [Number], default: [] },
    /** Runs of deleted items, flattened the same way. */
    deleted: { type: [Number], default: [] },
  },
  { versionKey: false, collection: 'text_edits' },
);
editSchema.index({ docName: 1, from: 1 });

type EditDoc = InferSchemaType<typeof editSchema>;

export function textEditModel(connection: Connection): Model<EditDoc> {
  return (connection.models.TextEdit as Model<EditDoc>) ?? connection.model<EditDoc>('TextEdit', editSchema);
}

/** Who made a change (collab's Editor: the person behind the connection, and their organisation's short name). */
interface Editor {
  userId: string;
  name: string;
  org: string;
}

/** Appends a run to a flattened list, extending the last run when it continues it. */
function pushRun(runs: number[], client: number, clock: number, length: number): void {
  const n = runs.length;
  if (n >= 3 && runs[n - 3] === client && runs[n - 2] + runs[n - 1] === clock) runs[n - 1] += length;
  else runs.push(client, clock, length);
}

interface PendingEdit {
  docName: string;
  author: Editor;
  /** The window the changes were made in (epoch ms: a Date is made once per record, when written). */
  from: number;
  to: number;
  inserted: number[];
  deleted: number[];
}

/**
 * Collects the editors' changes to article documents and writes them every few seconds.
 *
 * `observe` runs on every editor transaction, on the message path of the live text: it only
 * reads the transaction's state vectors and delete set into the pending record of that
 * document and person (no name parsing, no Date, no key string per call), and the records
 * are written once per window, through the driver's collection (mongoose would cast every
 * number of the runs one by one), or straight into the engine of this process when there is
 * one, in slices: a window of 100 articles with two writers each was one insert of 200
 * records through the driver and the socket, 20 to 30 ms of the event loop in the profile of
 * the collab bench's W2, every 5 s, while the edits of every article waited.
 */
export class TextEditRecorder {
  /** Pending records, by document name, then by user. */
  private readonly pending = new Map<string, Map<string, PendingEdit>>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly connection: Connection;
  private readonly logger: Logger;
  private readonly windowMs: number;
  private readonly command?: InProcessCommand;

  constructor(connection: Connection, logger: Logger, { windowMs = 5_000, command }: { windowMs?: number; command?: InProcessCommand } = {}) {
    this.connection = connection;
    this.logger = logger;
    this.windowMs = windowMs;
    this.command = command;
  }

  /** `now`: when the change was made, by the app's clock (ctx.clock). */
  observe(docName: string, editor: Editor, transaction: Y.Transaction, now: number): void {
    // Only articles are recorded; any other name (the outline) is not an article's.
    if (!docName.startsWith(DOC_PREFIX.article)) return;
    let edit: PendingEdit | undefined;
    const record = (): PendingEdit => {
      if (edit) return edit;
      let byUser = this.pending.get(docName);
      if (!byUser) this.pending.set(docName, (byUser = new Map()));
      edit = byUser.get(editor.userId);
      if (!edit) byUser.set(editor.userId, (edit = { docName, author: editor, from: now, to: now, inserted: [], deleted: [] }));
      edit.to = now;
      return edit;
    };
    const before = transaction.beforeState;
    for (const [client, after] of transaction.afterState) {
      const from = before.get(client) ?? 0;
      if (after > from) pushRun(record().inserted, client, from, after - from);
    }
    for (const [client, items] of transaction.deleteSet.clients) {
      for (const item of items) pushRun(record().deleted, client, item.clock, item.len);
    }
    if (edit) this.timer ??= setTimeout(() => void this.flush(), this.windowMs).unref();
  }

  /** Writes what is pending; resolves once everything observed so far is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.values()].flatMap((byUser) => [...byUser.values()]);
    this.pending.clear();
    this.writing = this.writing.then(async () => {
      if (batch.length === 0) return;
      try {
        await insertInSlices(
          textEditModel(this.connection).collection,
          batch.map((e) => ({
            docName: e.docName,
            author: { userId: e.author.userId, name: e.author.name, org: e.author.org || null },
            from: new Date(e.from),
            to: new Date(e.to),
            inserted: e.inserted,
            deleted: e.deleted,
          })),
          this.command,
        );
      } catch (err) {
        // Losing who wrote a passage never loses the passage: the text is stored by the collab store.
        this.logger.error({ err, edits: batch.length }, 'who-wrote-what records not stored');
      }
    });
    return this.writing;
  }
}

/**
 * The recorded changes of the given articles. No time window is needed: an item is inserted
 * once and deleted at most once, so whatever a comparison shows was recorded exactly once.
 */
export async function authorshipOf(connection: Connection, articleIds: string[]): Promise<AuthorshipRecords> {
  const docNames = articleIds.map((id) => `article:${id}`);
  const docs = await textEditModel(connection).find({ docName: { $in: docNames } }).sort({ from: 1 }).lean();
  const records: AuthorshipRecords = {};
  for (const doc of docs) {
    const id = doc.docName.slice('article:'.length);
    const record = (records[id] ??= { inserted: [], deleted: [] });
    const author: ChangeAuthor = { name: authorLabel({ name: doc.author?.name ?? '', org: doc.author?.org ?? null }), at: doc.to.toISOString() };
    for (let i = 0; i + 2 < doc.inserted.length; i += 3) record.inserted.push({ client: doc.inserted[i], clock: doc.inserted[i + 1], len: doc.inserted[i + 2], author });
    for (let i = 0; i + 2 < doc.deleted.length; i += 3) record.deleted.push({ client: doc.deleted[i], clock: doc.deleted[i + 1], len: doc.deleted[i + 2], author });
  }
  return records;
}


/**
 * Who inserted each recorded piece of one article's live text: the client reads its own Y.Doc,
 * whose items carry the same (client, clock) ids, and colours each by its author. Text the
 * server wrote (seeding, merges) has no run: it is shown as no one's.
 */
export async function writtenRuns(connection: Connection, articleId: string): Promise<WrittenRun[]> {
  const docs = await textEditModel(connection).find({ docName: `article:${articleId}` }, { author: 1, inserted: 1 }).sort({ from: 1 }).lean();
  const runs: WrittenRun[] = [];
  for (const doc of docs) {
    for (let i = 0; i + 2 < doc.inserted.length; i += 3) {
      runs.push({ client: doc.inserted[i], clock: doc.inserted[i + 1], len: doc.inserted[i + 2], name: doc.author?.name ?? '', org: doc.author?.org ?? null });
    }
  }
  return runs;
}
