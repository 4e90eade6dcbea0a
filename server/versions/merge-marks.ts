import type { Connection } from 'mongoose';
import type { AmendmentMerged } from '../../shared/amendments/amendment.ts';
import type { MergedRun } from '../../shared/versions/authorship.ts';
import { eventModel } from '../events/event.model.ts';

/**
 * The passages of an article merged from amendments since the last version taken on purpose
 * (by hand, at a session's end, for signature): each merge's record (`amendment:merged`, its
 * Yjs items) with the amendment's number and organisation. The version a merge takes itself
 * does not end the marks; the next other one does.
 */
export async function mergedRuns(connection: Connection, negotiationId: string, articleId: string): Promise<MergedRun[]> {
  const events = eventModel(connection);
  // The log before the last version taken on purpose is not read: its marks are over.
  const ended = await events
    .findOne({ negotiationId, type: 'version:created', 'payload.kind': { $ne: 'merge' } }, { seq: 1 })
    .sort({ seq: -1 })
    .lean();
  const merges = await events
    .find({ negotiationId, type: 'amendment:merged', 'payload.passage.articleId': articleId, ...(ended ? { seq: { $gt: ended.seq } } : {}) }, { payload: 1 })
    .sort({ seq: 1 })
    .lean();
  return merges.flatMap((event) => {
    const { amendmentId, passage } = event.payload as AmendmentMerged;
    return passage ? passage.runs.map((run) => ({ ...run, amendmentId, number: passage.number, org: passage.org })) : [];
  });
}
