/**
 * The browser's copies of one person's live documents (y-indexeddb, one store per person and
 * document: a shared computer is common in a union office). Kept apart from the editor's code so
 * that sign-out can count and clear them without loading Yjs.
 */

const PREFIX = 'negociation:';

/** Where the browser keeps one person's unsent edits to one document. */
export const offlineStoreName = (userId: string, docName: string) => `${PREFIX}${userId}:${docName}`;

async function storesOf(userId: string): Promise<string[]> {
  if (!globalThis.indexedDB?.databases) return [];
  const all = await indexedDB.databases();
  return all.map((d) => d.name ?? '').filter((name) => name.startsWith(`${PREFIX}${userId}:`));
}

/** The changes one store holds that the server has not acknowledged (the editor keeps the count there). */
function pendingIn(name: string): Promise<number> {
  return new Promise((resolve) => {
    const open = indexedDB.open(name);
    open.onerror = () => resolve(0);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('custom')) {
        db.close();
        return resolve(0);
      }
      const read = db.transaction('custom').objectStore('custom').get('pending');
      read.onsuccess = () => (db.close(), resolve(Number(read.result) || 0));
      read.onerror = () => (db.close(), resolve(0));
    };
  });
}

/** How many of this person's changes, over every document kept in this browser, still wait to be sent. */
export async function unsentChanges(userId: string): Promise<number> {
  let total = 0;
  for (const name of await storesOf(userId)) total += await pendingIn(name);
  return total;
}

/**
 * Deletes this person's stores. A store an open editor still holds is deleted once the editor
 * closes it (leaving the page closes them); the promise does not wait for that.
 */
export async function clearOfflineCopies(userId: string): Promise<void> {
  for (const name of await storesOf(userId)) indexedDB.deleteDatabase(name);
}

/**
 * Deletes this person's stores of these documents: they may no longer write them, and the server
 * refuses what those stores still hold (sent later, it would come back as a surprise).
 */
export function forgetOfflineCopies(userId: string, docNames: readonly string[]): void {
  if (!globalThis.indexedDB) return;
  for (const name of docNames) indexedDB.deleteDatabase(offlineStoreName(userId, name));
}
