/**
 * Who wrote and who deleted each piece of an article's text, as recorded by text-edits.ts:
 * plain data a worker can be handed, and the lookups over it. No database here.
 */

/** Who made a change, and when, as the exports name it. */
export interface ChangeAuthor {
  /** "Claire Marchand · AXESS". */
  name: string;
  /** ISO date-time of the change (the end of its window); null when not known. */
  at: string | null;
}

interface Run {
  clock: number;
  len: number;
  author: ChangeAuthor;
}

/** Per client, its runs sorted by clock: the first run covering a clock answers. */
class RunIndex {
  private readonly byClient = new Map<number, Run[]>();

  add(client: number, clock: number, len: number, author: ChangeAuthor): void {
    const runs = this.byClient.get(client);
    if (runs) runs.push({ clock, len, author });
    else this.byClient.set(client, [{ clock, len, author }]);
  }

  seal(): void {
    for (const runs of this.byClient.values()) runs.sort((a, b) => a.clock - b.clock);
  }

  find(client: number, clock: number): ChangeAuthor | null {
    const runs = this.byClient.get(client);
    if (!runs) return null;
    let lo = 0;
    let hi = runs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (runs[mid].clock <= clock) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // Runs may overlap (a delete set re-sent): look back a little for one that covers the clock.
    for (let i = found; i >= 0 && i > found - 8; i--) {
      if (runs[i].clock + runs[i].len > clock) return runs[i].author;
    }
    return null;
  }
}

/** Who inserted and who deleted each item of one article, as recorded. */
export interface ArticleAuthorship {
  inserted: { client: number; clock: number; len: number; author: ChangeAuthor }[];
  deleted: { client: number; clock: number; len: number; author: ChangeAuthor }[];
}

/** A plain, cloneable form (for a worker): per article id. */
export type AuthorshipRecords = Record<string, ArticleAuthorship>;

export const authorLabel = (author: { name: string; org: string | null }): string => (author.org ? `${author.name} · ${author.org}` : author.name);


/** Lookups over one article's records: who inserted, who deleted the item (client, clock). */
export class AuthorshipIndex {
  private readonly insertions = new RunIndex();
  private readonly deletions = new RunIndex();

  constructor(record: ArticleAuthorship | undefined) {
    for (const r of record?.inserted ?? []) this.insertions.add(r.client, r.clock, r.len, r.author);
    // The latest deletion of an item is the one that counts: later records are added last and
    // found first only if sorted stably, so deletions keep their recorded order per clock.
    for (const r of record?.deleted ?? []) this.deletions.add(r.client, r.clock, r.len, r.author);
    this.insertions.seal();
    this.deletions.seal();
  }

  insertedBy(client: number, clock: number): ChangeAuthor | null {
    return client < 0 ? null : this.insertions.find(client, clock);
  }

  deletedBy(client: number, clock: number): ChangeAuthor | null {
    return client < 0 ? null : this.deletions.find(client, clock);
  }
}
