/**
 * Coalescing for the bursts a client causes when it opens a whole agreement (hundreds of
 * documents at once): lookups made within a few milliseconds become one query, and answers are
 * shared for a short while. The embedded database answers each query in milliseconds; a
 * few hundred of them in a row would be seconds.
 */

/**
 * Collects the keys asked for during `windowMs` and loads them with one call. A burst of
 * connections arrives over many ticks (one upgrade per socket read, and the in-process
 * engine answers a query within a tick or two): waiting a few milliseconds gathers tens of
 * keys per query instead of one or two. Keys asked for while a load is in flight make up
 * the next batch.
 */
export function batchLoader<K, V>(
  load: (keys: K[]) => Promise<Map<K, V>>,
  { maxBatch = 500, windowMs = 3 }: { maxBatch?: number; windowMs?: number } = {},
): (key: K) => Promise<V | undefined> {
  let pending: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];
  let busy = false;
  const run = async () => {
    while (pending.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, windowMs));
      const slice = pending.slice(0, maxBatch);
      pending = pending.slice(maxBatch);
      try {
        const found = await load([...new Set(slice.map((p) => p.key))]);
        for (const p of slice) p.resolve(found.get(p.key));
      } catch (err) {
        for (const p of slice) p.reject(err);
      }
    }
    busy = false;
  };
  return (key) =>
    new Promise((resolve, reject) => {
      pending.push({ key, resolve, reject });
      if (!busy) {
        busy = true;
        void run();
      }
    });
}

/** Remembers answers (and answers in flight) for `ttlMs`: concurrent askers share one lookup. */
export function cached<K, V>(ttlMs: number, load: (key: K) => Promise<V>, maxEntries = 10_000): (key: K) => Promise<V> {
  const entries = new Map<K, { value: Promise<V>; until: number }>();
  return (key) => {
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.value;
    if (entries.size >= maxEntries) {
      for (const [k, e] of entries) if (e.until <= now) entries.delete(k);
      if (entries.size >= maxEntries) entries.clear();
    }
    const value = load(key);
    entries.set(key, { value, until: now + ttlMs });
    value.catch(() => entries.delete(key));
    return value;
  };
}
