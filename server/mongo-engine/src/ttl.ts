// The TTL monitor: like mongod's, it runs periodically (every 60 s by default) and deletes
// documents whose indexed date is older than the index's expireAfterSeconds.
import type { Doc } from './bson/codec.ts';
import type { EngineState } from './commands/context.ts';
import { pathValues } from './bson/paths.ts';
import { typeRank } from './bson/order.ts';

function oldestDate(doc: Doc, field: string): number | undefined {
  let oldest: number | undefined;
  for (const v of pathValues(doc, field)) {
    for (const x of Array.isArray(v) ? v : [v]) {
      if (x instanceof Date && (oldest === undefined || x.getTime() < oldest)) oldest = x.getTime();
    }
  }
  return oldest;
}

/** Deletes expired documents; returns how many. */
export function sweepExpired(engine: EngineState, now = Date.now()): number {
  let removed = 0;
  for (const collections of engine.catalog.dbs.values()) {
    for (const coll of [...collections.values()]) {
      for (const index of coll.indexes.values()) {
        const seconds = index.spec.expireAfterSeconds;
        if (typeof seconds !== 'number' || index.fields.length !== 1) continue;
        const cutoff = now - seconds * 1000;
        // The index keeps dates in order: scan only the expired range.
        const ids = [...index.scan((key) => {
          const v = key[0];
          if (!(v instanceof Date)) return typeRank(v) < 10 ? -1 : 1;
          return v.getTime() < cutoff ? 0 : 1;
        })];
        for (const id of new Set(ids)) {
          const doc = coll.docs.get(id);
          if (!doc) continue;
          const at = oldestDate(doc, index.fields[0]);
          if (at !== undefined && at < cutoff && engine.catalog.remove(coll, doc._id)) removed++;
        }
      }
    }
  }
  return removed;
}
