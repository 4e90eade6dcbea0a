/**
 * Coalescing for the bursts a client causes when it opens a whole agreement (hundreds of
 * documents at once): lookups made in the same tick become one query, and answers are
 * shared for a short while. The embedded database answers each query in milliseconds; a
 * few hundred of them in a row would be seconds.
 */

/** Collects the keys asked for in one tick and loads them with one call. */
export function batchLoader<K, V>(load: (keys: K[]) => Promise<Map<K, V>>, maxBatch = 500): (key: K) => Promise<V | undefined> {
  let pending: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  const run = async () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    for (let i = 0; i < batch.length; i += maxBatch) {
      const slice = batch.slice(i, i + maxBatch);
      try {
        const found = await load([...new Set(slice.map((p) => p.key))]);
        for (const p of slice) p.resolve(found.get(p.key));
      } catch (err) {
        for (const p of slice) p.reject(err);
      }
    }
  };
  return (key) =>
    new Promise((resolve, reject) => {
      pending.push({ key, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void run());
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
