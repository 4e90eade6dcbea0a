import type { Connection } from 'mongoose';
import type { AmendmentMerged } from '../../shared/amendments/amendment.ts';
import type { VersionKind } from '../../shared/text-diff.ts';
import type { MergedRun } from '../../shared/versions/authorship.ts';
import { eventModel } from '../events/event.model.ts';

/**
 * The passages of an article merged from amendments since the last version taken on purpose
 * (by hand, at a session's end, for signature): each merge's record (`amendment:merged`, its
 * Yjs items) with the amendment's number and organisation. The version a merge takes itself
 * does not end the marks; the next other one does.
 */
export async function mergedRuns(connection: Connection, negotiationId: string, articleId: string): Promise<MergedRun[]> {
  const events = await eventModel(connection)
    .find({ negotiationId, type: { $in: ['amendment:merged', 'version:created'] } }, { type: 1, payload: 1, seq: 1 })
    .sort({ seq: 1 })
    .lean();
  let marks: MergedRun[] = [];
  for (const event of events) {
    if (event.type === 'version:created') {
      if ((event.payload as { kind: VersionKind }).kind !== 'merge') marks = [];
      continue;
    }
    const { amendmentId, passage } = event.payload as AmendmentMerged;
    if (passage?.articleId !== articleId) continue;
    marks.push(...passage.runs.map((run) => ({ ...run, amendmentId, number: passage.number, org: passage.org })));
  }
  return marks;
}
